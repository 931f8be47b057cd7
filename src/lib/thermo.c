/* thermo.c - entropy, KL, free energy, mutual information (see thermo.h). */
#include "thermo.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

double thermo_logsumexp(const double *a, size_t n) {
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++) m = fmax(m, a[i]);
    if (!isfinite(m)) return m;
    double s = 0;
    for (size_t i = 0; i < n; i++) s += exp(a[i] - m);
    return m + log(s);
}

double thermo_entropy(const double *p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0) s -= p[i] * log(p[i]);
    return s;
}

double thermo_cross_entropy(const double *p, const double *q, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0) s -= p[i] * (q[i] > 0 ? log(q[i]) : -INFINITY);
    return s;
}

double thermo_kl(const double *p, const double *q, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0) s += p[i] * (q[i] > 0 ? log(p[i] / q[i]) : INFINITY);
    return s;
}

double thermo_canonical(const double *H, double beta, double *p, size_t n) {
    double *a = xmalloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = -beta * H[i];
    double lnZ = thermo_logsumexp(a, n);
    for (size_t i = 0; i < n; i++) p[i] = exp(a[i] - lnZ);
    free(a);
    return lnZ;
}

double thermo_free_energy(const double *p, const double *H, double beta, size_t n) {
    double u = 0;
    for (size_t i = 0; i < n; i++) u += p[i] * H[i];
    return u - thermo_entropy(p, n) / beta;
}

void thermo_marginals(const double *pab, size_t na, size_t nb, double *pa, double *pb) {
    if (pa)
        for (size_t i = 0; i < na; i++) pa[i] = 0;
    if (pb)
        for (size_t j = 0; j < nb; j++) pb[j] = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            if (pa) pa[i] += pab[i * nb + j];
            if (pb) pb[j] += pab[i * nb + j];
        }
}

double thermo_mutual_information(const double *pab, size_t na, size_t nb) {
    double *pa = xmalloc(na * sizeof *pa), *pb = xmalloc(nb * sizeof *pb);
    thermo_marginals(pab, na, nb, pa, pb);
    double s = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            double p = pab[i * nb + j];
            if (p > 0) s += p * log(p / (pa[i] * pb[j]));
        }
    free(pa);
    free(pb);
    return s;
}
