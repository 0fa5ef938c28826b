/*
 * lackey2xdin: valgrind lackey --trace-mem=yes output (stdin) to Dinero IV's extended din format
 * (stdout), for the side-by-side of bench/scripts/tlb-vs-dinero.sh.
 *
 *   "I  04001000,4"   ->  "i 04001000 4"     instruction fetch
 *   " L 1ffefff8f0,8" ->  "r 1ffefff8f0 8"   load
 *   " S ...", " M ..." -> "r ..."            store and modify: also reads
 *
 * Every data access becomes a read: a TLB lookup is the same for a load, a store and a modify,
 * and a Dinero write would make write-back or write-through traffic into its L2 that a TLB does
 * not have. The size is kept (in hex, as xdin wants it) so that Dinero splits an access crossing
 * a page as virtreplay tlb does. Lines that are not records (the ==pid== lines) are dropped.
 * Build: cc -O2 -o lackey2xdin lackey2xdin.c
 */
#include <stdio.h>
#include <string.h>

int main(void) {
    static char in[1 << 16];
    static char out[1 << 16];
    size_t n = 0;
    setvbuf(stdin, NULL, _IOFBF, 1 << 20);
    while (fgets(in, sizeof in, stdin)) {
        char k;
        const char *p;
        if (in[0] == 'I' && in[1] == ' ') {
            k = 'i';
            p = in + 2;
        } else if (in[0] == ' ' && (in[1] == 'L' || in[1] == 'S' || in[1] == 'M') && in[2] == ' ') {
            k = 'r';
            p = in + 3;
        } else {
            continue;
        }
        while (*p == ' ') {
            p++;
        }
        const char *comma = strchr(p, ',');
        if (comma == NULL || comma - p > 32) {
            continue;
        }
        unsigned long size = 0;
        for (const char *q = comma + 1; *q >= '0' && *q <= '9'; q++) {
            size = size * 10 + (unsigned long) (*q - '0');
        }
        if (n > sizeof out - 64) {
            fwrite(out, 1, n, stdout);
            n = 0;
        }
        out[n++] = k;
        out[n++] = ' ';
        memcpy(out + n, p, (size_t) (comma - p));
        n += (size_t) (comma - p);
        out[n++] = ' ';
        char hex[20];
        int h = 0;
        do {
            hex[h++] = "0123456789abcdef"[size & 15];
            size >>= 4;
        } while (size != 0);
        while (h > 0) {
            out[n++] = hex[--h];
        }
        out[n++] = '\n';
    }
    fwrite(out, 1, n, stdout);
    return ferror(stdout) ? 1 : 0;
}
