/*
 * thermo.h - information and free-energy functionals of discrete
 * distributions (natural logs, temperature 1 unless a beta is given),
 * the definitions the paper's Secs. 3-4 and 6 are written in.
 * Distributions are arrays of n doubles summing to 1; joint tables are
 * row-major (na, nb). Zero-probability states contribute 0 (0 ln 0 = 0).
 */
#ifndef THERMO_H
#define THERMO_H

#include <stddef.h>

/* ln sum_i exp(a_i), overflow-safe. */
double thermo_logsumexp(const double *a, size_t n);
/* Shannon entropy S[p] = -sum p ln p. */
double thermo_entropy(const double *p, size_t n);
/* Cross-entropy -sum p ln q (infinite if q = 0 where p > 0). */
double thermo_cross_entropy(const double *p, const double *q, size_t n);
/* Kullback-Leibler divergence D(p || q). */
double thermo_kl(const double *p, const double *q, size_t n);
/* Canonical state p_i = exp(-beta H_i)/Z into p; returns ln Z. */
double thermo_canonical(const double *H, double beta, double *p, size_t n);
/* Non-equilibrium free energy F[p] = <H>_p - S[p]/beta (Eq 6's left side). */
double thermo_free_energy(const double *p, const double *H, double beta, size_t n);
/* Mutual information of a joint table (na, nb). */
double thermo_mutual_information(const double *pab, size_t na, size_t nb);
/* Marginals of a joint table: pa (na) and pb (nb); either may be NULL. */
void thermo_marginals(const double *pab, size_t na, size_t nb, double *pa, double *pb);

#endif
