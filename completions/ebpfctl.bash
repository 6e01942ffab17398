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
            ebpfctl,batch)
                cmd="ebpfctl__subcmd__batch"
                ;;
            ebpfctl,btf)
                cmd="ebpfctl__subcmd__btf"
                ;;
            ebpfctl,cgroup)
                cmd="ebpfctl__subcmd__cgroup"
                ;;
            ebpfctl,check)
                cmd="ebpfctl__subcmd__check"
                ;;
            ebpfctl,compat)
                cmd="ebpfctl__subcmd__compat"
                ;;
            ebpfctl,completions)
                cmd="ebpfctl__subcmd__completions"
                ;;
            ebpfctl,feature)
                cmd="ebpfctl__subcmd__feature"
                ;;
            ebpfctl,gen)
                cmd="ebpfctl__subcmd__gen"
                ;;
            ebpfctl,inspect)
                cmd="ebpfctl__subcmd__inspect"
                ;;
            ebpfctl,iter)
                cmd="ebpfctl__subcmd__iter"
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
            ebpfctl,net)
                cmd="ebpfctl__subcmd__net"
                ;;
            ebpfctl,perf)
                cmd="ebpfctl__subcmd__perf"
                ;;
            ebpfctl,prog)
                cmd="ebpfctl__subcmd__prog"
                ;;
            ebpfctl,struct_ops)
                cmd="ebpfctl__subcmd__struct_ops"
                ;;
            ebpfctl,token)
                cmd="ebpfctl__subcmd__token"
                ;;
            ebpfctl,version)
                cmd="ebpfctl__subcmd__version"
                ;;
            ebpfctl__subcmd__batch,file)
                cmd="ebpfctl__subcmd__batch__subcmd__file"
                ;;
            ebpfctl__subcmd__btf,dump)
                cmd="ebpfctl__subcmd__btf__subcmd__dump"
                ;;
            ebpfctl__subcmd__btf,list)
                cmd="ebpfctl__subcmd__btf__subcmd__show"
                ;;
            ebpfctl__subcmd__btf,minimize)
                cmd="ebpfctl__subcmd__btf__subcmd__minimize"
                ;;
            ebpfctl__subcmd__btf,show)
                cmd="ebpfctl__subcmd__btf__subcmd__show"
                ;;
            ebpfctl__subcmd__btf__subcmd__dump,file)
                cmd="ebpfctl__subcmd__btf__subcmd__dump__subcmd__file"
                ;;
            ebpfctl__subcmd__btf__subcmd__dump,id)
                cmd="ebpfctl__subcmd__btf__subcmd__dump__subcmd__id"
                ;;
            ebpfctl__subcmd__btf__subcmd__dump,map)
                cmd="ebpfctl__subcmd__btf__subcmd__dump__subcmd__map"
                ;;
            ebpfctl__subcmd__btf__subcmd__dump,prog)
                cmd="ebpfctl__subcmd__btf__subcmd__dump__subcmd__prog"
                ;;
            ebpfctl__subcmd__btf__subcmd__show,id)
                cmd="ebpfctl__subcmd__btf__subcmd__show__subcmd__id"
                ;;
            ebpfctl__subcmd__cgroup,attach)
                cmd="ebpfctl__subcmd__cgroup__subcmd__attach"
                ;;
            ebpfctl__subcmd__cgroup,detach)
                cmd="ebpfctl__subcmd__cgroup__subcmd__detach"
                ;;
            ebpfctl__subcmd__cgroup,list)
                cmd="ebpfctl__subcmd__cgroup__subcmd__show"
                ;;
            ebpfctl__subcmd__cgroup,show)
                cmd="ebpfctl__subcmd__cgroup__subcmd__show"
                ;;
            ebpfctl__subcmd__cgroup,tree)
                cmd="ebpfctl__subcmd__cgroup__subcmd__tree"
                ;;
            ebpfctl__subcmd__compat,check)
                cmd="ebpfctl__subcmd__compat__subcmd__check"
                ;;
            ebpfctl__subcmd__feature,list_builtins)
                cmd="ebpfctl__subcmd__feature__subcmd__list_builtins"
                ;;
            ebpfctl__subcmd__feature,probe)
                cmd="ebpfctl__subcmd__feature__subcmd__probe"
                ;;
            ebpfctl__subcmd__gen,min_core_btf)
                cmd="ebpfctl__subcmd__gen__subcmd__min_core_btf"
                ;;
            ebpfctl__subcmd__gen,object)
                cmd="ebpfctl__subcmd__gen__subcmd__object"
                ;;
            ebpfctl__subcmd__gen,skeleton)
                cmd="ebpfctl__subcmd__gen__subcmd__skeleton"
                ;;
            ebpfctl__subcmd__gen,subskeleton)
                cmd="ebpfctl__subcmd__gen__subcmd__subskeleton"
                ;;
            ebpfctl__subcmd__iter,pin)
                cmd="ebpfctl__subcmd__iter__subcmd__pin"
                ;;
            ebpfctl__subcmd__link,detach)
                cmd="ebpfctl__subcmd__link__subcmd__detach"
                ;;
            ebpfctl__subcmd__link,list)
                cmd="ebpfctl__subcmd__link__subcmd__show"
                ;;
            ebpfctl__subcmd__link,pin)
                cmd="ebpfctl__subcmd__link__subcmd__pin"
                ;;
            ebpfctl__subcmd__link,show)
                cmd="ebpfctl__subcmd__link__subcmd__show"
                ;;
            ebpfctl__subcmd__link__subcmd__detach,id)
                cmd="ebpfctl__subcmd__link__subcmd__detach__subcmd__id"
                ;;
            ebpfctl__subcmd__link__subcmd__detach,pinned)
                cmd="ebpfctl__subcmd__link__subcmd__detach__subcmd__pinned"
                ;;
            ebpfctl__subcmd__link__subcmd__pin,id)
                cmd="ebpfctl__subcmd__link__subcmd__pin__subcmd__id"
                ;;
            ebpfctl__subcmd__link__subcmd__pin,pinned)
                cmd="ebpfctl__subcmd__link__subcmd__pin__subcmd__pinned"
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
            ebpfctl__subcmd__net,attach)
                cmd="ebpfctl__subcmd__net__subcmd__attach"
                ;;
            ebpfctl__subcmd__net,detach)
                cmd="ebpfctl__subcmd__net__subcmd__detach"
                ;;
            ebpfctl__subcmd__net,list)
                cmd="ebpfctl__subcmd__net__subcmd__show"
                ;;
            ebpfctl__subcmd__net,show)
                cmd="ebpfctl__subcmd__net__subcmd__show"
                ;;
            ebpfctl__subcmd__perf,list)
                cmd="ebpfctl__subcmd__perf__subcmd__show"
                ;;
            ebpfctl__subcmd__perf,show)
                cmd="ebpfctl__subcmd__perf__subcmd__show"
                ;;
            ebpfctl__subcmd__prog,attach)
                cmd="ebpfctl__subcmd__prog__subcmd__attach"
                ;;
            ebpfctl__subcmd__prog,detach)
                cmd="ebpfctl__subcmd__prog__subcmd__detach"
                ;;
            ebpfctl__subcmd__prog,dump)
                cmd="ebpfctl__subcmd__prog__subcmd__dump"
                ;;
            ebpfctl__subcmd__prog,list)
                cmd="ebpfctl__subcmd__prog__subcmd__show"
                ;;
            ebpfctl__subcmd__prog,load)
                cmd="ebpfctl__subcmd__prog__subcmd__load"
                ;;
            ebpfctl__subcmd__prog,loadall)
                cmd="ebpfctl__subcmd__prog__subcmd__loadall"
                ;;
            ebpfctl__subcmd__prog,pin)
                cmd="ebpfctl__subcmd__prog__subcmd__pin"
                ;;
            ebpfctl__subcmd__prog,profile)
                cmd="ebpfctl__subcmd__prog__subcmd__profile"
                ;;
            ebpfctl__subcmd__prog,run)
                cmd="ebpfctl__subcmd__prog__subcmd__run"
                ;;
            ebpfctl__subcmd__prog,show)
                cmd="ebpfctl__subcmd__prog__subcmd__show"
                ;;
            ebpfctl__subcmd__prog,top)
                cmd="ebpfctl__subcmd__prog__subcmd__top"
                ;;
            ebpfctl__subcmd__prog,tracelog)
                cmd="ebpfctl__subcmd__prog__subcmd__tracelog"
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
            ebpfctl__subcmd__struct_ops,dump)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__dump"
                ;;
            ebpfctl__subcmd__struct_ops,list)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__show"
                ;;
            ebpfctl__subcmd__struct_ops,register)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__register"
                ;;
            ebpfctl__subcmd__struct_ops,show)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__show"
                ;;
            ebpfctl__subcmd__struct_ops,unregister)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__unregister"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__dump,id)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__dump__subcmd__id"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__dump,name)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__dump__subcmd__name"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__dump,pinned)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__dump__subcmd__pinned"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__show,id)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__show__subcmd__id"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__show,name)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__show__subcmd__name"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__show,pinned)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__show__subcmd__pinned"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__unregister,id)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__unregister__subcmd__id"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__unregister,name)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__unregister__subcmd__name"
                ;;
            ebpfctl__subcmd__struct_ops__subcmd__unregister,pinned)
                cmd="ebpfctl__subcmd__struct_ops__subcmd__unregister__subcmd__pinned"
                ;;
            ebpfctl__subcmd__token,list)
                cmd="ebpfctl__subcmd__token__subcmd__show"
                ;;
            ebpfctl__subcmd__token,show)
                cmd="ebpfctl__subcmd__token__subcmd__show"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        ebpfctl)
            opts="-j -p -d -f -V -n -m -L -h --json --pretty --debug --bpffs --version --nomount --mapcompat --use-loader --help batch prog map link cgroup perf net feature btf gen struct_ops iter token version check inspect compat completions manpage"
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
        ebpfctl__subcmd__batch)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help file"
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
        ebpfctl__subcmd__batch__subcmd__file)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__btf)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list dump minimize"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help file id prog map"
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
            opts="-B -j -p -d -f -h --base-btf --json --pretty --debug --bpffs --help"
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
            opts="-B -j -p -d -f -h --base-btf --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__btf__subcmd__dump__subcmd__map)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__btf__subcmd__dump__subcmd__prog)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__btf__subcmd__minimize)
            opts="-o -j -p -d -f -h --btf --output --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
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
        ebpfctl__subcmd__btf__subcmd__show)
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help id"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__cgroup)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list tree attach detach"
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
        ebpfctl__subcmd__cgroup__subcmd__attach)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__cgroup__subcmd__detach)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__cgroup__subcmd__show)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__cgroup__subcmd__tree)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__check)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__compat)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help check"
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
        ebpfctl__subcmd__compat__subcmd__check)
            opts="-B -j -p -d -f -h --btf --btf-dir --format --base-btf --live --kconfig --kallsyms --map-size --map-value-size --require-attach --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --btf-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "junit github" -- "${cur}"))
                    return 0
                    ;;
                --base-btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -B)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kconfig)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kallsyms)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-value-size)
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
        ebpfctl__subcmd__completions)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help bash zsh fish"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help probe list_builtins"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help prog_types map_types attach_types link_types helpers"
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
            opts="-j -p -d -f -h --extended --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__gen)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help object skeleton subskeleton min_core_btf"
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
        ebpfctl__subcmd__gen__subcmd__min_core_btf)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__gen__subcmd__object)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__gen__subcmd__skeleton)
            opts="-L -S -k -i -j -p -d -f -h --use-loader --sign --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -i)
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
        ebpfctl__subcmd__gen__subcmd__subskeleton)
            opts="-L -j -p -d -f -h --use-loader --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__inspect)
            opts="-B -j -p -d -f -h --base-btf --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        ebpfctl__subcmd__iter)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help pin"
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
        ebpfctl__subcmd__iter__subcmd__pin)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list pin detach"
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
        ebpfctl__subcmd__link__subcmd__detach)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id pinned"
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
        ebpfctl__subcmd__link__subcmd__detach__subcmd__id)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__link__subcmd__detach__subcmd__pinned)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__link__subcmd__pin)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id pinned"
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
        ebpfctl__subcmd__link__subcmd__pin__subcmd__id)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__link__subcmd__pin__subcmd__pinned)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__link__subcmd__show)
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help id pinned"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list dump update lookup getnext delete pin watch event_pipe create peek push enqueue pop dequeue freeze"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help id pinned name"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__net)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list attach detach"
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
        ebpfctl__subcmd__net__subcmd__attach)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress"
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
        ebpfctl__subcmd__net__subcmd__detach)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress"
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
        ebpfctl__subcmd__net__subcmd__show)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__perf)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list"
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
        ebpfctl__subcmd__perf__subcmd__show)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list top dump pin load loadall attach detach tracelog run profile"
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
        ebpfctl__subcmd__prog__subcmd__attach)
            opts="-j -p -d -f -h --pin --wait --cookie --json --pretty --debug --bpffs --help id pinned tag name tracepoint raw_tracepoint tp_btf kprobe kretprobe kprobe_multi kretprobe_multi uprobe uretprobe usdt fentry fexit fmod_ret lsm perf_event xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress tc_ingress tc_egress netkit_primary netkit_peer sk_msg_verdict sk_skb_stream_parser sk_skb_stream_verdict sk_skb_verdict flow_dissector sk_lookup netfilter cgroup_inet_ingress cgroup_inet_egress cgroup_inet_sock_create cgroup_inet_sock_release cgroup_sock_ops cgroup_device cgroup_inet4_bind cgroup_inet6_bind cgroup_inet4_connect cgroup_inet6_connect cgroup_inet4_post_bind cgroup_inet6_post_bind cgroup_udp4_sendmsg cgroup_udp6_sendmsg cgroup_udp4_recvmsg cgroup_udp6_recvmsg cgroup_sysctl cgroup_getsockopt cgroup_setsockopt cgroup_inet4_getpeername cgroup_inet6_getpeername cgroup_inet4_getsockname cgroup_inet6_getsockname"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --pin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cookie)
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
        ebpfctl__subcmd__prog__subcmd__detach)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id pinned tag name tracepoint raw_tracepoint tp_btf kprobe kretprobe kprobe_multi kretprobe_multi uprobe uretprobe usdt fentry fexit fmod_ret lsm perf_event xdp xdpgeneric xdpdrv xdpoffload tcx_ingress tcx_egress tc_ingress tc_egress netkit_primary netkit_peer sk_msg_verdict sk_skb_stream_parser sk_skb_stream_verdict sk_skb_verdict flow_dissector sk_lookup netfilter cgroup_inet_ingress cgroup_inet_egress cgroup_inet_sock_create cgroup_inet_sock_release cgroup_sock_ops cgroup_device cgroup_inet4_bind cgroup_inet6_bind cgroup_inet4_connect cgroup_inet6_connect cgroup_inet4_post_bind cgroup_inet6_post_bind cgroup_udp4_sendmsg cgroup_udp6_sendmsg cgroup_udp4_recvmsg cgroup_udp6_recvmsg cgroup_sysctl cgroup_getsockopt cgroup_setsockopt cgroup_inet4_getpeername cgroup_inet6_getpeername cgroup_inet4_getsockname cgroup_inet6_getsockname"
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
        ebpfctl__subcmd__prog__subcmd__dump)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help xlated jited id pinned tag name"
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
        ebpfctl__subcmd__prog__subcmd__load)
            opts="-S -L -k -i -j -p -d -f -h --btf --set --sign --use-loader --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --set)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -i)
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
        ebpfctl__subcmd__prog__subcmd__loadall)
            opts="-S -L -k -i -j -p -d -f -h --btf --set --sign --use-loader --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --btf)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --set)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -i)
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
        ebpfctl__subcmd__prog__subcmd__pin)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id pinned tag name"
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
        ebpfctl__subcmd__prog__subcmd__profile)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id pinned tag name"
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
        ebpfctl__subcmd__prog__subcmd__run)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id pinned tag name"
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
        ebpfctl__subcmd__prog__subcmd__show)
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help id pinned tag name"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
            opts="-w -j -p -d -f -h --wide --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__prog__subcmd__top)
            opts="-j -p -d -f -h --interval --count --sort --json --pretty --debug --bpffs --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sort)
                    COMPREPLY=($(compgen -W "cpu runtime events name" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        ebpfctl__subcmd__prog__subcmd__tracelog)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help stdout stderr id pinned tag name"
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
        ebpfctl__subcmd__struct_ops)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list register unregister dump"
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
        ebpfctl__subcmd__struct_ops__subcmd__dump)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id name pinned"
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
        ebpfctl__subcmd__struct_ops__subcmd__dump__subcmd__id)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__dump__subcmd__name)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__dump__subcmd__pinned)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__register)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__show)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id name pinned"
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
        ebpfctl__subcmd__struct_ops__subcmd__show__subcmd__id)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__show__subcmd__name)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__show__subcmd__pinned)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__unregister)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help id name pinned"
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
        ebpfctl__subcmd__struct_ops__subcmd__unregister__subcmd__id)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__unregister__subcmd__name)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__struct_ops__subcmd__unregister__subcmd__pinned)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__token)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help show list"
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
        ebpfctl__subcmd__token__subcmd__show)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
        ebpfctl__subcmd__version)
            opts="-j -p -d -f -h --json --pretty --debug --bpffs --help"
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
