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
            ebpfctl,check)
                cmd="ebpfctl__subcmd__check"
                ;;
            ebpfctl,completions)
                cmd="ebpfctl__subcmd__completions"
                ;;
            ebpfctl,feature)
                cmd="ebpfctl__subcmd__feature"
                ;;
            ebpfctl,manpage)
                cmd="ebpfctl__subcmd__manpage"
                ;;
            ebpfctl,version)
                cmd="ebpfctl__subcmd__version"
                ;;
            ebpfctl__subcmd__feature,list_builtins)
                cmd="ebpfctl__subcmd__feature__subcmd__list_builtins"
                ;;
            ebpfctl__subcmd__feature,probe)
                cmd="ebpfctl__subcmd__feature__subcmd__probe"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        ebpfctl)
            opts="-j -p -d -h -V --json --pretty --debug --help --version check version completions manpage feature"
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
        ebpfctl__subcmd__feature)
            opts="-j -p -d -h -V --json --pretty --debug --help --version probe list_builtins"
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
        ebpfctl__subcmd__feature__subcmd__list_builtins)
            opts="-j -p -d -h -V --json --pretty --debug --help --version prog_types map_types attach_types link_types helpers"
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
        ebpfctl__subcmd__feature__subcmd__probe)
            opts="-j -p -d -h -V --extended --json --pretty --debug --help --version"
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
