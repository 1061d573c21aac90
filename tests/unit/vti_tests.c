/*
 * Runs every unit test suite of the vti plugin with Check.
 */

#include "vti_tests.h"

#include <library.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	char conf[] = "/tmp/vti-tests.XXXXXX";
	SRunner *runner;
	int failed, fd;

	/* settings, hosts and logging come from the real libstrongswan, with an
	 * empty strongswan.conf so that the machine's does not interfere */
	fd = mkstemp(conf);
	if (fd < 0)
	{
		return 1;
	}
	close(fd);
	if (!library_init(conf, "vti-tests"))
	{
		unlink(conf);
		return 1;
	}
	unlink(conf);
	runner = srunner_create(mtu_suite_create());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	library_deinit();
	return failed ? 1 : 0;
}
