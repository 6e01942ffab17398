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
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "inspect" -d 'Show what BPF object files and BTF blobs contain, without loading them'
complete -c ebpfctl -n "__fish_ebpfctl_needs_command" -f -a "btf" -d 'BTF type information: dump it raw (bpftool\'s form) or as a C header'
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
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand inspect" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand inspect" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand inspect" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and not __fish_seen_subcommand_from dump" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and not __fish_seen_subcommand_from dump" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and not __fish_seen_subcommand_from dump" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and not __fish_seen_subcommand_from dump" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and not __fish_seen_subcommand_from dump" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and not __fish_seen_subcommand_from dump" -f -a "dump" -d 'Dump BTF types: `btf dump file PATH [format raw|c] [root_id ID]...` or `btf dump id ID ...`'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -s j -l json -d 'Print JSON (one document on stdout); errors become {"error": ..., "kind": ...}'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -s p -l pretty -d 'Print pretty JSON (implies --json)'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -s d -l debug -d 'Say more on stderr: libbpf\'s messages, verifier logs, objects that could not be read'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -s h -l help -d 'Print help'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -s V -l version -d 'Print version'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -f -a "file" -d 'A raw BTF blob (/sys/kernel/btf/*) or an ELF file with a .BTF section'
complete -c ebpfctl -n "__fish_ebpfctl_using_subcommand btf; and __fish_seen_subcommand_from dump" -f -a "id" -d 'A BTF object loaded in the kernel, by id (see `bpftool btf show`)'
