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
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "feature" -d 'Probe what this kernel (or an offload device) supports; list the names ebpfctl knows'
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
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -f -a "probe" -d 'Probe program types, map types, helpers per program type and ISA features, as bpftool does'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and not __fish_seen_subcommand_from probe list_builtins" -f -a "list_builtins" -d 'List the program/map/attach/link type or helper names ebpfctl knows (libbpf\'s tables)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from probe" -l extended -d 'Add top-level kernel, kfuncs, attach_types, link_types and errors (reasons for null probes)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from probe" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from probe" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from probe" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from probe" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from probe" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from list_builtins" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from list_builtins" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from list_builtins" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from list_builtins" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand feature; and __fish_seen_subcommand_from list_builtins" -s V -l version -d 'Print version'
