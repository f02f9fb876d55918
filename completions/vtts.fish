# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vtts_global_optspecs
    string join \n f/file= m/model= c/config= voice= offline o/output= format= raw play output-dir= json-input speed= length-scale= noise-scale= noise-w= s/speaker= dialect= lexicon= sentence-silence= q/quiet h/help V/version
end

function __fish_vtts_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vtts_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vtts_using_subcommand
    set -l cmd (__fish_vtts_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vtts -n "__fish_vtts_needs_command" -s f -l file -d 'Read text from a file (\'-\' for standard input); repeatable, read in order after TEXT' -r -F
complete -c vtts -n "__fish_vtts_needs_command" -s m -l model -d 'Voice model: a Piper .onnx file or the name of an installed voice' -r -F
complete -c vtts -n "__fish_vtts_needs_command" -s c -l config -d 'Voice config (default: the model path + .json)' -r -F
complete -c vtts -n "__fish_vtts_needs_command" -l voice -d 'Voice by name (see `vtts voices list`); downloaded on first use' -r
complete -c vtts -n "__fish_vtts_needs_command" -s o -l output -d 'Write a file (\'-\' for standard output), in the format its extension names (.wav, .pcm, .mp3, .opus, .ogg, .flac); without it, audio goes to standard output, or to the sound card when that is a terminal' -r -F
complete -c vtts -n "__fish_vtts_needs_command" -l format -d 'The audio format, whatever the file is called [default: from -o\'s extension, else wav]' -r -f -a "wav\t''
pcm\t''
mp3\t''
opus\t''
flac\t''"
complete -c vtts -n "__fish_vtts_needs_command" -l output-dir -d 'Write one file per input line into DIR (named 0001-first-words.wav, ...; --format picks another format)' -r -F
complete -c vtts -n "__fish_vtts_needs_command" -l speed -d 'Speaking rate preset' -r -f -a "very_slow\t''
slow\t''
normal\t''
fast\t''
very_fast\t''"
complete -c vtts -n "__fish_vtts_needs_command" -l length-scale -d 'Phoneme duration scale (overrides --speed): above 1 slower, below 1 faster [0.1–10]' -r
complete -c vtts -n "__fish_vtts_needs_command" -l noise-scale -d 'Voice variation (default: the voice\'s config; 0 = deterministic) [0–2]' -r
complete -c vtts -n "__fish_vtts_needs_command" -l noise-w -d 'Rhythm variation (default: the voice\'s config; 0 = deterministic) [0–2]' -r
complete -c vtts -n "__fish_vtts_needs_command" -s s -l speaker -d 'Speaker of a multi-speaker voice, by number or name' -r
complete -c vtts -n "__fish_vtts_needs_command" -l dialect -d 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)' -r -f -a "north\t'nghìn, một trăm linh năm, hai mươi tư'
south\t'ngàn, một trăm lẻ năm, hai mươi bốn'"
complete -c vtts -n "__fish_vtts_needs_command" -l lexicon -d 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]' -r -F
complete -c vtts -n "__fish_vtts_needs_command" -l sentence-silence -d 'Seconds of silence between sentences [0–60]' -r
complete -c vtts -n "__fish_vtts_needs_command" -l offline -d 'Never download: use installed voices only'
complete -c vtts -n "__fish_vtts_needs_command" -l raw -d 'Write raw 16-bit little-endian mono PCM (the same as --format pcm)'
complete -c vtts -n "__fish_vtts_needs_command" -l play -d 'Play on the default sound device, sentence by sentence as it is synthesised'
complete -c vtts -n "__fish_vtts_needs_command" -l json-input -d 'Read JSON lines {"text", "output_file", "speed", "speaker", ...} and write one file per line'
complete -c vtts -n "__fish_vtts_needs_command" -s q -l quiet -d 'Print nothing but errors (no progress bar)'
complete -c vtts -n "__fish_vtts_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vtts -n "__fish_vtts_needs_command" -s V -l version -d 'Print version'
complete -c vtts -n "__fish_vtts_needs_command" -a "phonemize" -d 'Print the phonemes and ids of each sentence as JSON lines, without synthesising; a sentence too long for one model run also lists the ids of each run'
complete -c vtts -n "__fish_vtts_needs_command" -a "normalize" -d 'Print text as vtts reads it: numbers, dates, units, abbreviations in words'
complete -c vtts -n "__fish_vtts_needs_command" -a "serve" -d 'Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page'
complete -c vtts -n "__fish_vtts_needs_command" -a "voices" -d 'List, download, install and remove voices'
complete -c vtts -n "__fish_vtts_needs_command" -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c vtts -n "__fish_vtts_needs_command" -a "generate-assets" -d 'Write completions/ and man/ from these definitions (for maintainers)'
complete -c vtts -n "__fish_vtts_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vtts -n "__fish_vtts_using_subcommand phonemize" -s f -l file -d 'Read text from a file (\'-\' for standard input); repeatable, read in order after TEXT' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand phonemize" -s m -l model -d 'Voice model: a Piper .onnx file or the name of an installed voice' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand phonemize" -s c -l config -d 'Voice config (default: the model path + .json)' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand phonemize" -l dialect -d 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)' -r -f -a "north\t'nghìn, một trăm linh năm, hai mươi tư'
south\t'ngàn, một trăm lẻ năm, hai mươi bốn'"
complete -c vtts -n "__fish_vtts_using_subcommand phonemize" -l lexicon -d 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand phonemize" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vtts -n "__fish_vtts_using_subcommand normalize" -s f -l file -d 'Read text from a file (\'-\' for standard input); repeatable, read in order after TEXT' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand normalize" -l dialect -d 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)' -r -f -a "north\t'nghìn, một trăm linh năm, hai mươi tư'
south\t'ngàn, một trăm lẻ năm, hai mươi bốn'"
complete -c vtts -n "__fish_vtts_using_subcommand normalize" -l lexicon -d 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand normalize" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vtts -n "__fish_vtts_using_subcommand serve" -s m -l model -d 'Voice model: a Piper .onnx file or the name of an installed voice; repeatable, the first is the default' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand serve" -s c -l config -d 'Config of the first voice model (default: the model path + .json)' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l voice -d 'Voice by name (see `vtts voices list`), downloaded on first use; repeatable' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l voices -d '`installed`: offer every installed voice too' -r -f -a "installed\t''"
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l max-loaded-voices -d 'Voices kept loaded at once; the least recently used is unloaded' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l wyoming -d 'Also serve the Wyoming protocol (Home Assistant) at tcp://HOST:PORT or unix://PATH; repeatable' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l samples-per-chunk -d 'Samples in each Wyoming audio-chunk' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l zeroconf -d 'Advertise the Wyoming service on the local network (mDNS, _wyoming._tcp) under NAME [default NAME: vtts]' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l host -d 'Address to listen on' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l audio-dir -d 'Where /tts saves WAV files [default: $XDG_CACHE_HOME/vtts/audio]' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l workers -d 'Requests synthesising at once [default: number of cores]' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l queue -d 'Synthesis requests that may wait for a worker; more get 503' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l max-chars -d 'Longest text accepted, in characters' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l cache-max-mb -d 'Bound of the audio directory in MiB (at least 1); least recently used files go first' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l max-audio-seconds -d 'Seconds of audio one request may make; a request that would make more gets 413' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l public-url -d 'Base URL of audio links behind a proxy (default: from the request\'s Host header)' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l cors-origin -d 'Access-Control-Allow-Origin of every response; empty to send none' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l sentence-silence -d 'Seconds of silence between sentences [0–60]' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l dialect -d 'How numbers are read: north (nghìn, linh) or south (ngàn, lẻ)' -r -f -a "north\t'nghìn, một trăm linh năm, hai mươi tư'
south\t'ngàn, một trăm lẻ năm, hai mươi bốn'"
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l lexicon -d 'Your own readings, applied first: a TSV of written form, tab, then spoken words or [[ phonemes ]]' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l io-timeout -d 'Seconds a connection may stall a read or a write, and a request body may take' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l max-connections -d 'HTTP connections open at once; more get 503' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l idle-timeout -d 'Seconds an HTTP connection may wait for its next request to begin' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l shutdown-timeout -d 'Seconds a stop (SIGINT, SIGTERM) waits for requests in flight' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l api-key -d 'A key the synthesis endpoints require, as `Authorization: Bearer KEY` [default: none, any request is served]' -r
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l offline -d 'Never download: use installed voices only'
complete -c vtts -n "__fish_vtts_using_subcommand serve" -l no-http -d 'Serve no HTTP, only the Wyoming protocol'
complete -c vtts -n "__fish_vtts_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -f -a "list" -d 'Show the known voices and which are installed'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -f -a "download" -d 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -f -a "install" -d 'Install a voice from its files (NAME.onnx and NAME.onnx.json)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -f -a "remove" -d 'Remove an installed voice'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -f -a "path" -d 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and not __fish_seen_subcommand_from list download install remove path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from download" -s q -l quiet -d 'Print nothing but errors (no progress bar)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from install" -s c -l config -d 'Its config (default: PATH.onnx.json)' -r -F
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show the known voices and which are installed'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from help" -f -a "download" -d 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install a voice from its files (NAME.onnx and NAME.onnx.json)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove an installed voice'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)'
complete -c vtts -n "__fish_vtts_using_subcommand voices; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vtts -n "__fish_vtts_using_subcommand completions" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand generate-assets" -s h -l help -d 'Print help'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "phonemize" -d 'Print the phonemes and ids of each sentence as JSON lines, without synthesising; a sentence too long for one model run also lists the ids of each run'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "normalize" -d 'Print text as vtts reads it: numbers, dates, units, abbreviations in words'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "serve" -d 'Run the HTTP service: /tts, /tts/stream, /v1/audio/speech, a web page'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "voices" -d 'List, download, install and remove voices'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, elvish, powershell)'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "generate-assets" -d 'Write completions/ and man/ from these definitions (for maintainers)'
complete -c vtts -n "__fish_vtts_using_subcommand help; and not __fish_seen_subcommand_from phonemize normalize serve voices completions generate-assets help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vtts -n "__fish_vtts_using_subcommand help; and __fish_seen_subcommand_from voices" -f -a "list" -d 'Show the known voices and which are installed'
complete -c vtts -n "__fish_vtts_using_subcommand help; and __fish_seen_subcommand_from voices" -f -a "download" -d 'Download voices from the catalog (VTTS_VOICES_URL sets a mirror)'
complete -c vtts -n "__fish_vtts_using_subcommand help; and __fish_seen_subcommand_from voices" -f -a "install" -d 'Install a voice from its files (NAME.onnx and NAME.onnx.json)'
complete -c vtts -n "__fish_vtts_using_subcommand help; and __fish_seen_subcommand_from voices" -f -a "remove" -d 'Remove an installed voice'
complete -c vtts -n "__fish_vtts_using_subcommand help; and __fish_seen_subcommand_from voices" -f -a "path" -d 'Print the folder voices are installed in (VTTS_DATA_DIR sets it)'
