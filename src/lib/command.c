/* command.c - subcommands from one table; see command.h. */
#define _POSIX_C_SOURCE 200809L
#include "command.h"

#include <stdio.h>
#include <string.h>

#include "base.h"
#include "conf.h"

/* ---------------------------------------------------------------------- */
/* subcommands                                                             */

/* Dies with the usage line of one command, or of all (only = NULL). */
static void command_usage(const command_t *cmds, int n, const command_t *only, int with_keys) {
    size_t cap = 64, len = 0;
    char *msg = xmalloc(cap);
    msg[0] = 0;
    for (int i = 0; i < n + with_keys; i++) {
        const command_t *c = i < n ? &cmds[i] : &(const command_t){"keys", "", 0, 0, NULL};
        if (only && c != only) continue;
        size_t need = len + strlen(prog_name) + strlen(c->name) + strlen(c->args) + 8;
        if (need > cap) msg = xrealloc(msg, cap = 2 * need);
        len += (size_t)sprintf(msg + len, "%s%s %s%s%s", len ? " | " : "", prog_name, c->name, *c->args ? " " : "",
                               c->args);
    }
    die("usage: %s", msg);
}

int command_run(const command_t *cmds, int n, const conf_spec_t *keys, int nkeys, int argc, char **argv) {
    for (int i = 0; argc >= 2 && i < n; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0) continue;
        int nargs = argc - 2;
        if (nargs < cmds[i].args_min || (cmds[i].args_max >= 0 && nargs > cmds[i].args_max))
            command_usage(cmds, n, &cmds[i], 0);
        return cmds[i].run(argc, argv);
    }
    if (keys && argc == 2 && strcmp(argv[1], "keys") == 0) {
        conf_print_keys(keys, nkeys);
        return 0;
    }
    command_usage(cmds, n, NULL, keys != NULL);
    return 1;
}
