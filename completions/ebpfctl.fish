# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ebpfctl_global_optspecs
    string join \n j/json p/pretty d/debug h/help V/version
end

function __fish_ebpfctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ebpfctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ebpfctl_using_subcommand
    set -l cmd (__fish_ebpfctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "check" -d 'Self-test this kernel end to end with the embedded CO-RE programs'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "version" -d 'Show ebpfctl\'s version, libbpf\'s version, the embedded objects and the build target'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "completions" -d 'Print a shell completion script generated from this binary\'s grammar'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "manpage" -d 'Print the man page (roff) generated from this binary\'s grammar'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "map" -d 'Read and write maps'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand check" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand check" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand check" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand check" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand check" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand version" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand version" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand version" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand version" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand completions" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand completions" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand completions" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand manpage" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand manpage" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand manpage" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand manpage" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand manpage" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "dump" -d 'Print every element: `map dump MAP` (batched reads; JSON streams as it is read)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "lookup" -d 'Print one element: `map lookup MAP key DATA` (exit 1 and JSON null when absent)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "getnext" -d 'Print the key after another: `map getnext MAP [key DATA]` (exit 1 after the last key)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "update" -d 'Write one element: `map update MAP key DATA value VALUE [any|exist|noexist]`; VALUE may be `id N` or `pinned PATH` for prog arrays and maps of maps'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "delete" -d 'Remove one element or all: `map delete MAP key DATA` | `map delete MAP --all`'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "freeze" -d 'Forbid writes from user space from now on: `map freeze MAP`'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "peek" -d 'Read the head of a queue or stack: `map peek MAP`'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "pop" -d 'Remove and print the head of a queue or stack: `map pop MAP` (alias: dequeue)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "dequeue" -d 'Remove and print the head of a queue or stack: `map pop MAP` (alias: dequeue)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "push" -d 'Add to a queue or stack: `map push MAP value DATA` (alias: enqueue)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and not __fish_seen_subcommand_from dump lookup getnext update delete freeze peek pop dequeue push enqueue" -f -a "enqueue" -d 'Add to a queue or stack: `map push MAP value DATA` (alias: enqueue)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dump" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dump" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dump" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dump" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dump" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from lookup" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from lookup" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from lookup" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from lookup" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from lookup" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from getnext" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from getnext" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from getnext" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from getnext" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from getnext" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from update" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from update" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from update" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from delete" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from delete" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from delete" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from freeze" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from freeze" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from freeze" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from freeze" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from freeze" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from peek" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from peek" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from peek" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from peek" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from peek" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from pop" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from pop" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from pop" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from pop" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from pop" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dequeue" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dequeue" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dequeue" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dequeue" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from dequeue" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from push" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from push" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from push" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from enqueue" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from enqueue" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from enqueue" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from enqueue" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand map; and __fish_seen_subcommand_from enqueue" -s V -l version -d 'Print version'
