/*
 * conf_get - print values of a parameter file as the C programs read them, so
 * that make asks the C parser (util's conf_*) instead of a second, looser one.
 *
 *   conf_get FILE KEY[:TYPE]...
 *
 * One line per key: TYPE int prints a decimal integer (strtol base 10, so
 * "010" is 10), ints a comma-separated integer list space-separated, and no
 * TYPE the raw string. A missing key or a bad value stops with the file and
 * key named, exactly as the program that reads the file would.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define CONF_GET_MAX_LIST 4096 /* longest integer list printed */
#define CONF_GET_MAX_KEY 256

static void conf_get_print(conf_t *c, const char *arg) {
    char key[CONF_GET_MAX_KEY];
    const char *colon = strchr(arg, ':');
    size_t klen = colon ? (size_t)(colon - arg) : strlen(arg);
    if (klen == 0 || klen >= sizeof key) die("bad key argument '%s'", arg);
    memcpy(key, arg, klen);
    key[klen] = 0;
    const char *type = colon ? colon + 1 : "";
    if (strcmp(type, "int") == 0) {
        printf("%ld\n", conf_int(c, key, LONG_MIN, LONG_MAX));
    } else if (strcmp(type, "ints") == 0) {
        static long v[CONF_GET_MAX_LIST];
        int n = conf_int_list(c, key, v, CONF_GET_MAX_LIST, LONG_MIN, LONG_MAX);
        for (int i = 0; i < n; i++) printf("%ld%c", v[i], i + 1 < n ? ' ' : '\n');
    } else if (!*type) {
        printf("%s\n", conf_str(c, key));
    } else {
        die("unknown type '%s' in '%s' (int, ints, or none for the raw string)", type, arg);
    }
}

int main(int argc, char **argv) {
    prog_name = "conf_get";
    if (argc < 3) die("usage: conf_get FILE KEY[:int|:ints]...");
    conf_t *c = conf_load(argv[1]);
    for (int i = 2; i < argc; i++) conf_get_print(c, argv[i]);
    if (fflush(stdout) != 0 || ferror(stdout)) die("write error on standard output");
    conf_free(c);
    return 0;
}
