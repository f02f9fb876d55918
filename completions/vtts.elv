
use builtin;
use str;

set edit:completion:arg-completer[vtts] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'vtts'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'vtts'= {
            cand -f 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT'
            cand --file 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT'
            cand -m 'Voice model: a Piper .onnx file or the name of an installed voice'
            cand --model 'Voice model: a Piper .onnx file or the name of an installed voice'
            cand -c 'Voice config (default: the model path + .json)'
            cand --config 'Voice config (default: the model path + .json)'
            cand --voice 'Voice by name (see `vtts voices list`); downloaded on first use'
            cand -o 'Write a file (''-'' for standard output), in the format its extension names (.wav, .pcm, .mp3, .opus, .ogg, .flac); without it, audio goes to standard output, or to the sound card when that is a terminal'
            cand --output 'Write a file (''-'' for standard output), in the format its extension names (.wav, .pcm, .mp3, .opus, .ogg, .flac); without it, audio goes to standard output, or to the sound card when that is a terminal'
            cand --format 'The audio format, whatever the file is called [default: from -o''s extension, else wav]'
            cand --output-dir 'Write one file per input line into DIR (named 0001-first-words.wav, ...; --format picks another format)'
            cand --speed 'Speaking rate preset'
            cand --length-scale 'Phoneme duration scale (overrides --speed): above 1 slower, below 1 faster [0.1–10]'
            cand --noise-scale 'Voice variation (default: the voice''s config; 0 = deterministic) [0–2]'
            cand --noise-w 'Rhythm variation (default: the voice''s config; 0 = deterministic) [0–2]'
            cand -s 'Speaker of a multi-speaker voice, by number or name'
            cand --speaker 'Speaker of a multi-speaker voice, by number or name'
            cand --dialect 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)'
            cand --lexicon 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]'
            cand --sentence-silence 'Seconds of silence between sentences [0–60]'
            cand --offline 'Never download: use installed voices only'
            cand --raw 'Write raw 16-bit little-endian mono PCM (the same as --format pcm)'
            cand --play 'Play on the default sound device, sentence by sentence as it is synthesised'
            cand --json-input 'Read JSON lines {"text", "output_file", "speed", "speaker", ...} and write one file per line'
            cand -q 'Print nothing but errors (no progress bar)'
            cand --quiet 'Print nothing but errors (no progress bar)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand phonemize 'Print the phonemes and ids of each sentence as JSON lines, without synthesising; a sentence too long for one model run also lists the ids of each run'
            cand normalize 'Print text as vtts reads it: numbers, dates, units, abbreviations in words'
            cand serve 'Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page'
            cand voices 'List, download, install and remove voices'
            cand completions 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
            cand generate-assets 'Write completions/ and man/ from these definitions (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vtts;phonemize'= {
            cand -f 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT'
            cand --file 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT'
            cand -m 'Voice model: a Piper .onnx file or the name of an installed voice'
            cand --model 'Voice model: a Piper .onnx file or the name of an installed voice'
            cand -c 'Voice config (default: the model path + .json)'
            cand --config 'Voice config (default: the model path + .json)'
            cand --dialect 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)'
            cand --lexicon 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vtts;normalize'= {
            cand -f 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT'
            cand --file 'Read text from a file (''-'' for standard input); repeatable, read in order after TEXT'
            cand --dialect 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)'
            cand --lexicon 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vtts;serve'= {
            cand -m 'Voice model: a Piper .onnx file or the name of an installed voice; repeatable, the first is the default'
            cand --model 'Voice model: a Piper .onnx file or the name of an installed voice; repeatable, the first is the default'
            cand -c 'Config of the first voice model (default: the model path + .json)'
            cand --config 'Config of the first voice model (default: the model path + .json)'
            cand --voice 'Voice by name (see `vtts voices list`), downloaded on first use; repeatable'
            cand --voices '`installed`: offer every installed voice too'
            cand --max-loaded-voices 'Voices kept loaded at once; the least recently used is unloaded'
            cand --wyoming 'Also serve the Wyoming protocol (Home Assistant) at tcp://HOST:PORT or unix://PATH; repeatable'
            cand --samples-per-chunk 'Samples in each Wyoming audio-chunk'
            cand --zeroconf 'Advertise the Wyoming service on the local network (mDNS, _wyoming._tcp) under NAME [default NAME: vtts]'
            cand --host 'Address to listen on'
            cand --port 'Port to listen on (0 picks a free one)'
            cand --audio-dir 'Where /tts saves WAV files [default: $XDG_CACHE_HOME/vtts/audio]'
            cand --workers 'Requests synthesising at once [default: number of cores]'
            cand --queue 'Synthesis requests that may wait for a worker; more get 503'
            cand --max-chars 'Longest text accepted, in characters'
            cand --cache-max-mb 'Bound of the audio directory in MiB (at least 1); least recently used files go first'
            cand --max-audio-seconds 'Seconds of audio one request may make; a request that would make more gets 413'
            cand --public-url 'Base URL of audio links behind a proxy (default: from the request''s Host header)'
            cand --cors-origin 'Access-Control-Allow-Origin of every response; empty to send none'
            cand --sentence-silence 'Seconds of silence between sentences [0–60]'
            cand --dialect 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)'
            cand --lexicon 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]'
            cand --io-timeout 'Seconds a connection may stall a read or a write, and a request body may take'
            cand --max-connections 'HTTP connections open at once; more get 503'
            cand --idle-timeout 'Seconds an HTTP connection may wait for its next request to begin'
            cand --shutdown-timeout 'Seconds a stop (SIGINT, SIGTERM) waits for requests in flight'
            cand --api-key 'A key the synthesis endpoints require, as `Authorization: Bearer KEY` [default: none, any request is served]'
            cand --offline 'Never download: use installed voices only'
            cand --no-http 'Serve no HTTP, only the Wyoming protocol'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vtts;voices'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Show the known voices and which are installed'
            cand download 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)'
            cand install 'Install a voice from its files (NAME.onnx and NAME.onnx.json)'
            cand remove 'Remove an installed voice'
            cand path 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vtts;voices;list'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;voices;download'= {
            cand -q 'Print nothing but errors (no progress bar)'
            cand --quiet 'Print nothing but errors (no progress bar)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;voices;install'= {
            cand -c 'Its config (default: PATH.onnx.json)'
            cand --config 'Its config (default: PATH.onnx.json)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;voices;remove'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;voices;path'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;voices;help'= {
            cand list 'Show the known voices and which are installed'
            cand download 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)'
            cand install 'Install a voice from its files (NAME.onnx and NAME.onnx.json)'
            cand remove 'Remove an installed voice'
            cand path 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vtts;voices;help;list'= {
        }
        &'vtts;voices;help;download'= {
        }
        &'vtts;voices;help;install'= {
        }
        &'vtts;voices;help;remove'= {
        }
        &'vtts;voices;help;path'= {
        }
        &'vtts;voices;help;help'= {
        }
        &'vtts;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;generate-assets'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vtts;help'= {
            cand phonemize 'Print the phonemes and ids of each sentence as JSON lines, without synthesising; a sentence too long for one model run also lists the ids of each run'
            cand normalize 'Print text as vtts reads it: numbers, dates, units, abbreviations in words'
            cand serve 'Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page'
            cand voices 'List, download, install and remove voices'
            cand completions 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
            cand generate-assets 'Write completions/ and man/ from these definitions (for maintainers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vtts;help;phonemize'= {
        }
        &'vtts;help;normalize'= {
        }
        &'vtts;help;serve'= {
        }
        &'vtts;help;voices'= {
            cand list 'Show the known voices and which are installed'
            cand download 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)'
            cand install 'Install a voice from its files (NAME.onnx and NAME.onnx.json)'
            cand remove 'Remove an installed voice'
            cand path 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)'
        }
        &'vtts;help;voices;list'= {
        }
        &'vtts;help;voices;download'= {
        }
        &'vtts;help;voices;install'= {
        }
        &'vtts;help;voices;remove'= {
        }
        &'vtts;help;voices;path'= {
        }
        &'vtts;help;completions'= {
        }
        &'vtts;help;generate-assets'= {
        }
        &'vtts;help;help'= {
        }
    ]
    $completions[$command]
}
