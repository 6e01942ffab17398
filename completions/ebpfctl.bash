_ebpfctl() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="ebpfctl"
                ;;
            ebpfctl,btf)
                cmd="ebpfctl__subcmd__btf"
                ;;
            ebpfctl,check)
                cmd="ebpfctl__subcmd__check"
                ;;
            ebpfctl,completions)
                cmd="ebpfctl__subcmd__completions"
                ;;
            ebpfctl,inspect)
                cmd="ebpfctl__subcmd__inspect"
                ;;
            ebpfctl,manpage)
                cmd="ebpfctl__subcmd__manpage"
                ;;
            ebpfctl,version)
                cmd="ebpfctl__subcmd__version"
                ;;
            ebpfctl__subcmd__btf,dump)
                cmd="ebpfctl__subcmd__btf__subcmd__dump"
                ;;
            ebpfctl__subcmd__btf__subcmd__dump,file)
                cmd="ebpfctl__subcmd__btf__subcmd__dump__subcmd__file"
                ;;
            ebpfctl__subcmd__btf__subcmd__dump,id)
                cmd="ebpfctl__subcmd__btf__subcmd__dump__subcmd__id"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        ebpfctl)
            opts="-j -p -d -h -V --json --pretty --debug --help --version check version completions manpage inspect btf"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__btf)
            opts="-j -p -d -h -V --json --pretty --debug --help --version dump"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__btf__subcmd__dump)
            opts="-j -p -d -h -V --json --pretty --debug --help --version file id"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__btf__subcmd__dump__subcmd__file)
            opts="-B -j -p -d -h -V --base-btf --json --pretty --debug --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --base-btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -B)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__btf__subcmd__dump__subcmd__id)
            opts="-B -j -p -d -h -V --base-btf --json --pretty --debug --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --base-btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -B)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__check)
            opts="-j -p -d -h -V --json --pretty --debug --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__completions)
            opts="-j -p -d -h -V --json --pretty --debug --help --version bash zsh fish"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__inspect)
            opts="-j -p -d -h -V --json --pretty --debug --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__manpage)
            opts="-j -p -d -h -V --json --pretty --debug --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__version)
            opts="-j -p -d -h -V --json --pretty --debug --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _ebpfctl -o nosort -o bashdefault -o default ebpfctl
else
    complete -F _ebpfctl -o bashdefault -o default ebpfctl
fi
