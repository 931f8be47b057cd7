/*
 * command.h - programs of several subcommands, one table each
 */
#ifndef COMMAND_H
#define COMMAND_H

/* ---- subcommands ------------------------------------------------------- */
/* A program of subcommands, "prog NAME ARGS...": one table names each command,
 * the arguments it takes (printed in the usage line) and how many (args_max
 * < 0: no upper bound). command_run checks the count before calling run with
 * main's argc and argv; an unknown name or a wrong count dies with the usage.
 * Given the program's parameter keys (else NULL, 0), "prog keys" prints them. */
typedef struct conf_spec conf_spec_t;
typedef struct {
    const char *name, *args;
    int args_min, args_max;
    int (*run)(int argc, char **argv);
} command_t;
int command_run(const command_t *cmds, int n, const conf_spec_t *keys, int nkeys, int argc, char **argv);

#endif
