/* linalg.c - Cholesky solve of a small symmetric positive definite system (see linalg.h). */
#include "linalg.h"

#include <math.h>

int linalg_spd_solve(int n, double *A, double *b) {
    for (int j = 0; j < n; j++) {
        double d = A[j * n + j];
        for (int p = 0; p < j; p++) d -= A[j * n + p] * A[j * n + p];
        if (!(d > 1e-12 * fabs(A[j * n + j]) && d > 0)) return -1;
        A[j * n + j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (int p = 0; p < j; p++) s -= A[i * n + p] * A[j * n + p];
            A[i * n + j] = s / A[j * n + j];
        }
    }
    for (int i = 0; i < n; i++) { /* L z = b */
        for (int p = 0; p < i; p++) b[i] -= A[i * n + p] * b[p];
        b[i] /= A[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) { /* L^T y = z */
        for (int p = i + 1; p < n; p++) b[i] -= A[p * n + i] * b[p];
        b[i] /= A[i * n + i];
    }
    return 0;
}
