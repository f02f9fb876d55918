
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'vtts' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'vtts'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'vtts' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Voice model: a Piper .onnx file or the name of an installed voice')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Voice model: a Piper .onnx file or the name of an installed voice')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Voice config (default: the model path + .json)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Voice config (default: the model path + .json)')
            [CompletionResult]::new('--voice', '--voice', [CompletionResultType]::ParameterName, 'Voice by name (see `vtts voices list`); downloaded on first use')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write a file (''-'' for standard output), in the format its extension names (.wav, .pcm, .mp3, .opus, .ogg, .flac); without it, audio goes to standard output, or to the sound card when that is a terminal')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write a file (''-'' for standard output), in the format its extension names (.wav, .pcm, .mp3, .opus, .ogg, .flac); without it, audio goes to standard output, or to the sound card when that is a terminal')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The audio format, whatever the file is called [default: from -o''s extension, else wav]')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write one file per input line into DIR (named 0001-first-words.wav, ...; --format picks another format)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Speaking rate preset')
            [CompletionResult]::new('--length-scale', '--length-scale', [CompletionResultType]::ParameterName, 'Phoneme duration scale (overrides --speed): above 1 slower, below 1 faster [0.1–10]')
            [CompletionResult]::new('--noise-scale', '--noise-scale', [CompletionResultType]::ParameterName, 'Voice variation (default: the voice''s config; 0 = deterministic) [0–2]')
            [CompletionResult]::new('--noise-w', '--noise-w', [CompletionResultType]::ParameterName, 'Rhythm variation (default: the voice''s config; 0 = deterministic) [0–2]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Speaker of a multi-speaker voice, by number or name')
            [CompletionResult]::new('--speaker', '--speaker', [CompletionResultType]::ParameterName, 'Speaker of a multi-speaker voice, by number or name')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)')
            [CompletionResult]::new('--lexicon', '--lexicon', [CompletionResultType]::ParameterName, 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]')
            [CompletionResult]::new('--sentence-silence', '--sentence-silence', [CompletionResultType]::ParameterName, 'Seconds of silence between sentences [0–60]')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never download: use installed voices only')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Write raw 16-bit little-endian mono PCM (the same as --format pcm)')
            [CompletionResult]::new('--play', '--play', [CompletionResultType]::ParameterName, 'Play on the default sound device, sentence by sentence as it is synthesised')
            [CompletionResult]::new('--json-input', '--json-input', [CompletionResultType]::ParameterName, 'Read JSON lines {"text", "output_file", "speed", "speaker", ...} and write one file per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('phonemize', 'phonemize', [CompletionResultType]::ParameterValue, 'Print the phonemes and ids of each sentence as JSON lines, without synthesising; a sentence too long for one model run also lists the ids of each run')
            [CompletionResult]::new('normalize', 'normalize', [CompletionResultType]::ParameterValue, 'Print text as vtts reads it: numbers, dates, units, abbreviations in words')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page')
            [CompletionResult]::new('voices', 'voices', [CompletionResultType]::ParameterValue, 'List, download, install and remove voices')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write completions/ and man/ from these definitions (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vtts;phonemize' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Voice model: a Piper .onnx file or the name of an installed voice')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Voice model: a Piper .onnx file or the name of an installed voice')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Voice config (default: the model path + .json)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Voice config (default: the model path + .json)')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)')
            [CompletionResult]::new('--lexicon', '--lexicon', [CompletionResultType]::ParameterName, 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vtts;normalize' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)')
            [CompletionResult]::new('--lexicon', '--lexicon', [CompletionResultType]::ParameterName, 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vtts;serve' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Voice model: a Piper .onnx file or the name of an installed voice; repeatable, the first is the default')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Voice model: a Piper .onnx file or the name of an installed voice; repeatable, the first is the default')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config of the first voice model (default: the model path + .json)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config of the first voice model (default: the model path + .json)')
            [CompletionResult]::new('--voice', '--voice', [CompletionResultType]::ParameterName, 'Voice by name (see `vtts voices list`), downloaded on first use; repeatable')
            [CompletionResult]::new('--voices', '--voices', [CompletionResultType]::ParameterName, '`installed`: offer every installed voice too')
            [CompletionResult]::new('--max-loaded-voices', '--max-loaded-voices', [CompletionResultType]::ParameterName, 'Voices kept loaded at once; the least recently used is unloaded')
            [CompletionResult]::new('--wyoming', '--wyoming', [CompletionResultType]::ParameterName, 'Also serve the Wyoming protocol (Home Assistant) at tcp://HOST:PORT or unix://PATH; repeatable')
            [CompletionResult]::new('--samples-per-chunk', '--samples-per-chunk', [CompletionResultType]::ParameterName, 'Samples in each Wyoming audio-chunk')
            [CompletionResult]::new('--zeroconf', '--zeroconf', [CompletionResultType]::ParameterName, 'Advertise the Wyoming service on the local network (mDNS, _wyoming._tcp) under NAME [default NAME: vtts]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--audio-dir', '--audio-dir', [CompletionResultType]::ParameterName, 'Where /tts saves WAV files [default: $XDG_CACHE_HOME/vtts/audio]')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Requests synthesising at once [default: number of cores]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Synthesis requests that may wait for a worker; more get 503')
            [CompletionResult]::new('--max-chars', '--max-chars', [CompletionResultType]::ParameterName, 'Longest text accepted, in characters')
            [CompletionResult]::new('--cache-max-mb', '--cache-max-mb', [CompletionResultType]::ParameterName, 'Bound of the audio directory in MiB (at least 1); least recently used files go first')
            [CompletionResult]::new('--max-audio-seconds', '--max-audio-seconds', [CompletionResultType]::ParameterName, 'Seconds of audio one request may make; a request that would make more gets 413')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'Base URL of audio links behind a proxy (default: from the request''s Host header)')
            [CompletionResult]::new('--cors-origin', '--cors-origin', [CompletionResultType]::ParameterName, 'Access-Control-Allow-Origin of every response; empty to send none')
            [CompletionResult]::new('--sentence-silence', '--sentence-silence', [CompletionResultType]::ParameterName, 'Seconds of silence between sentences [0–60]')
            [CompletionResult]::new('--dialect', '--dialect', [CompletionResultType]::ParameterName, 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)')
            [CompletionResult]::new('--lexicon', '--lexicon', [CompletionResultType]::ParameterName, 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]')
            [CompletionResult]::new('--io-timeout', '--io-timeout', [CompletionResultType]::ParameterName, 'Seconds a connection may stall a read or a write, and a request body may take')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'HTTP connections open at once; more get 503')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Seconds an HTTP connection may wait for its next request to begin')
            [CompletionResult]::new('--shutdown-timeout', '--shutdown-timeout', [CompletionResultType]::ParameterName, 'Seconds a stop (SIGINT, SIGTERM) waits for requests in flight')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'A key the synthesis endpoints require, as `Authorization: Bearer KEY` [default: none, any request is served]')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Never download: use installed voices only')
            [CompletionResult]::new('--no-http', '--no-http', [CompletionResultType]::ParameterName, 'Serve no HTTP, only the Wyoming protocol')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vtts;voices' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the known voices and which are installed')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install a voice from its files (NAME.onnx and NAME.onnx.json)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an installed voice')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vtts;voices;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;voices;download' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (no progress bar)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;voices;install' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Its config (default: PATH.onnx.json)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Its config (default: PATH.onnx.json)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;voices;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;voices;path' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;voices;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the known voices and which are installed')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install a voice from its files (NAME.onnx and NAME.onnx.json)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an installed voice')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vtts;voices;help;list' {
            break
        }
        'vtts;voices;help;download' {
            break
        }
        'vtts;voices;help;install' {
            break
        }
        'vtts;voices;help;remove' {
            break
        }
        'vtts;voices;help;path' {
            break
        }
        'vtts;voices;help;help' {
            break
        }
        'vtts;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;generate-assets' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vtts;help' {
            [CompletionResult]::new('phonemize', 'phonemize', [CompletionResultType]::ParameterValue, 'Print the phonemes and ids of each sentence as JSON lines, without synthesising; a sentence too long for one model run also lists the ids of each run')
            [CompletionResult]::new('normalize', 'normalize', [CompletionResultType]::ParameterValue, 'Print text as vtts reads it: numbers, dates, units, abbreviations in words')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page')
            [CompletionResult]::new('voices', 'voices', [CompletionResultType]::ParameterValue, 'List, download, install and remove voices')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write completions/ and man/ from these definitions (for maintainers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vtts;help;phonemize' {
            break
        }
        'vtts;help;normalize' {
            break
        }
        'vtts;help;serve' {
            break
        }
        'vtts;help;voices' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show the known voices and which are installed')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install a voice from its files (NAME.onnx and NAME.onnx.json)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an installed voice')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)')
            break
        }
        'vtts;help;voices;list' {
            break
        }
        'vtts;help;voices;download' {
            break
        }
        'vtts;help;voices;install' {
            break
        }
        'vtts;help;voices;remove' {
            break
        }
        'vtts;help;voices;path' {
            break
        }
        'vtts;help;completions' {
            break
        }
        'vtts;help;generate-assets' {
            break
        }
        'vtts;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
