/* Shapes shared by the embedded self-test programs and src/check/ (which decodes them byte by byte). */
#pragma once

#define CHECK_COMM_LEN 16

/* What one program saw of the current task: helper values beside CO-RE reads of task_struct. */
struct task_ident {
	__u32 pid;		/* task_struct.pid via CO-RE */
	__u32 tgid;		/* task_struct.tgid via CO-RE */
	__u32 helper_pid;	/* bpf_get_current_pid_tgid(), low half */
	__u32 helper_tgid;	/* bpf_get_current_pid_tgid(), high half */
	char comm[CHECK_COMM_LEN];	/* task_struct.comm via CO-RE */
};
