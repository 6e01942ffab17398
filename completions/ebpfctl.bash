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
            ebpfctl,feature)
                cmd="ebpfctl__subcmd__feature"
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
            ebpfctl__subcmd__feature,list_builtins)
                cmd="ebpfctl__subcmd__feature__subcmd__list_builtins"
                ;;
            ebpfctl__subcmd__feature,probe)
                cmd="ebpfctl__subcmd__feature__subcmd__probe"
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
            ebpfctl__subcmd__map,create)
                cmd="ebpfctl__subcmd__map__subcmd__create"
                ;;
            ebpfctl__subcmd__map,delete)
                cmd="ebpfctl__subcmd__map__subcmd__delete"
                ;;
            ebpfctl__subcmd__map,dequeue)
                cmd="ebpfctl__subcmd__map__subcmd__pop"
                ;;
            ebpfctl__subcmd__map,dump)
                cmd="ebpfctl__subcmd__map__subcmd__dump"
                ;;
            ebpfctl__subcmd__map,enqueue)
                cmd="ebpfctl__subcmd__map__subcmd__push"
                ;;
            ebpfctl__subcmd__map,event_pipe)
                cmd="ebpfctl__subcmd__map__subcmd__watch"
                ;;
            ebpfctl__subcmd__map,freeze)
                cmd="ebpfctl__subcmd__map__subcmd__freeze"
                ;;
            ebpfctl__subcmd__map,getnext)
                cmd="ebpfctl__subcmd__map__subcmd__getnext"
                ;;
            ebpfctl__subcmd__map,list)
                cmd="ebpfctl__subcmd__map__subcmd__show"
                ;;
            ebpfctl__subcmd__map,lookup)
                cmd="ebpfctl__subcmd__map__subcmd__lookup"
                ;;
            ebpfctl__subcmd__map,peek)
                cmd="ebpfctl__subcmd__map__subcmd__peek"
                ;;
            ebpfctl__subcmd__map,pin)
                cmd="ebpfctl__subcmd__map__subcmd__pin"
                ;;
            ebpfctl__subcmd__map,pop)
                cmd="ebpfctl__subcmd__map__subcmd__pop"
                ;;
            ebpfctl__subcmd__map,push)
                cmd="ebpfctl__subcmd__map__subcmd__push"
                ;;
            ebpfctl__subcmd__map,show)
                cmd="ebpfctl__subcmd__map__subcmd__show"
                ;;
            ebpfctl__subcmd__map,update)
                cmd="ebpfctl__subcmd__map__subcmd__update"
                ;;
            ebpfctl__subcmd__map,watch)
                cmd="ebpfctl__subcmd__map__subcmd__watch"
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version check version completions manpage prog map link btf feature"
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
        ebpfctl__subcmd__feature)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version probe list_builtins"
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version prog_types map_types attach_types link_types helpers"
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
            opts="-j -p -d -f -h -V --extended --json --pretty --debug --bpffs --help --version"
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
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version show list dump lookup getnext update delete freeze peek pop dequeue push enqueue watch event_pipe create pin"
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
        ebpfctl__subcmd__map__subcmd__create)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__delete)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__dump)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__freeze)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__getnext)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__lookup)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__peek)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__pin)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__pop)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__push)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__update)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
        ebpfctl__subcmd__map__subcmd__watch)
            opts="-j -p -d -f -h -V --json --pretty --debug --bpffs --help --version"
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
