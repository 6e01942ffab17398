/* The USDT test target: fires probe lc_test:hit once per loop with the loop number (1..N, N from argv[1]). Built
 * by tests/lifecycle_usdt.rs with the host C compiler and sys/sdt.h (systemtap-sdt-dev). */
#include <stdlib.h>
#include <sys/sdt.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	for (int i = 1; i <= n; i++)
		DTRACE_PROBE1(lc_test, hit, i);
	return 0;
}
