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
            ebpfctl,link)
                cmd="ebpfctl__subcmd__link"
                ;;
            ebpfctl,manpage)
                cmd="ebpfctl__subcmd__manpage"
                ;;
            ebpfctl,map)
                cmd="ebpfctl__subcmd__map"
                ;;
            ebpfctl,prog)
                cmd="ebpfctl__subcmd__prog"
                ;;
            ebpfctl,version)
                cmd="ebpfctl__subcmd__version"
                ;;
            ebpfctl__subcmd__btf,list)
                cmd="ebpfctl__subcmd__btf__subcmd__show"
                ;;
            ebpfctl__subcmd__btf,show)
                cmd="ebpfctl__subcmd__btf__subcmd__show"
                ;;
            ebpfctl__subcmd__btf__subcmd__show,id)
                cmd="ebpfctl__subcmd__btf__subcmd__show__subcmd__id"
                ;;
            ebpfctl__subcmd__link,list)
                cmd="ebpfctl__subcmd__link__subcmd__show"
                ;;
            ebpfctl__subcmd__link,show)
                cmd="ebpfctl__subcmd__link__subcmd__show"
                ;;
            ebpfctl__subcmd__link__subcmd__show,id)
                cmd="ebpfctl__subcmd__link__subcmd__show__subcmd__id"
                ;;
            ebpfctl__subcmd__link__subcmd__show,pinned)
                cmd="ebpfctl__subcmd__link__subcmd__show__subcmd__pinned"
                ;;
            ebpfctl__subcmd__map,list)
                cmd="ebpfctl__subcmd__map__subcmd__show"
                ;;
            ebpfctl__subcmd__map,show)
                cmd="ebpfctl__subcmd__map__subcmd__show"
                ;;
            ebpfctl__subcmd__map__subcmd__show,id)
                cmd="ebpfctl__subcmd__map__subcmd__show__subcmd__id"
                ;;
            ebpfctl__subcmd__map__subcmd__show,name)
                cmd="ebpfctl__subcmd__map__subcmd__show__subcmd__name"
                ;;
            ebpfctl__subcmd__map__subcmd__show,pinned)
                cmd="ebpfctl__subcmd__map__subcmd__show__subcmd__pinned"
                ;;
            ebpfctl__subcmd__prog,list)
                cmd="ebpfctl__subcmd__prog__subcmd__show"
                ;;
            ebpfctl__subcmd__prog,show)
                cmd="ebpfctl__subcmd__prog__subcmd__show"
                ;;
            ebpfctl__subcmd__prog__subcmd__show,id)
                cmd="ebpfctl__subcmd__prog__subcmd__show__subcmd__id"
                ;;
            ebpfctl__subcmd__prog__subcmd__show,name)
                cmd="ebpfctl__subcmd__prog__subcmd__show__subcmd__name"
                ;;
            ebpfctl__subcmd__prog__subcmd__show,pinned)
                cmd="ebpfctl__subcmd__prog__subcmd__show__subcmd__pinned"
                ;;
            ebpfctl__subcmd__prog__subcmd__show,tag)
                cmd="ebpfctl__subcmd__prog__subcmd__show__subcmd__tag"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        ebpfctl)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version check version completions manpage prog map link btf"
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version show list"
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
        ebpfctl__subcmd__btf__subcmd__show)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version id"
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
        ebpfctl__subcmd__btf__subcmd__show__subcmd__id)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version bash zsh fish"
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
        ebpfctl__subcmd__link)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version show list"
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
        ebpfctl__subcmd__link__subcmd__show)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version id pinned"
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
        ebpfctl__subcmd__link__subcmd__show__subcmd__id)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__link__subcmd__show__subcmd__pinned)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version show list"
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
        ebpfctl__subcmd__map__subcmd__show)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version id pinned name"
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
        ebpfctl__subcmd__map__subcmd__show__subcmd__id)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__map__subcmd__show__subcmd__name)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__map__subcmd__show__subcmd__pinned)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__prog)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version show list"
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
        ebpfctl__subcmd__prog__subcmd__show)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version id pinned tag name"
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
        ebpfctl__subcmd__prog__subcmd__show__subcmd__id)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__prog__subcmd__show__subcmd__name)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__prog__subcmd__show__subcmd__pinned)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
        ebpfctl__subcmd__prog__subcmd__show__subcmd__tag)
            opts="-w -j -p -d -f -h -V --wide --json --pretty --debug --bpffs --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
