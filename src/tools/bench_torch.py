#!/usr/bin/python3
"""bench_torch.py - the same SGD step (and the EBM rows) in PyTorch (CPU), for `make bench`.

Prints name<TAB>seconds<TAB>threads rows torch_step_b<k> with the best of
1 and 2 intra-op threads, so the C simulator is compared with PyTorch at its
fastest setting. Same model (784-200-200-200-10, ReLU, softmax cross-entropy),
same timing rule (best of 5 repetitions of many steps) as src/bench.c.
"""
import sys
import time

import torch


def best_of(reps, inner, fn):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        best = min(best, (time.perf_counter() - t) / inner)
    return best


def main():
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 200), torch.nn.ReLU(),
        torch.nn.Linear(200, 200), torch.nn.ReLU(),
        torch.nn.Linear(200, 200), torch.nn.ReLU(),
        torch.nn.Linear(200, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    x_all = torch.rand(60000, 784)
    y_all = torch.randint(0, 10, (60000,))
    print("name\tseconds\tthreads")
    for b in (1, 10, 100):
        best = (float("inf"), 0)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            pos = [0]

            def step():
                i = pos[0]
                x, y = x_all[i:i + b], y_all[i:i + b]
                pos[0] = (i + b) % (60000 - b)
                opt.zero_grad(set_to_none=True)
                loss_fn(model(x), y).backward()
                opt.step()

            inner = 200 if b == 100 else 1000
            best = min(best, (best_of(5, inner, step), threads))
        print(f"torch_step_b{b}\t{best[0]:.3e}\t{best[1]}")
    bench_ebm(x_all)
    sys.stdout.flush()


def bench_ebm(x_all):
    """The EBM rows of src/tools/bench.c: one MALA step of 100 chains of the
    784-256-256-1 SiLU energy on its Gaussian base (normals, proposal, energy
    and grad_x at the proposal, Metropolis accept/reject) and one Adam update on
    the contrastive loss at batch 100 (100 data images and 100 samples)."""
    torch.manual_seed(2)
    energy = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.SiLU(),
        torch.nn.Linear(256, 256), torch.nn.SiLU(),
        torch.nn.Linear(256, 1))
    opt = torch.optim.Adam(energy.parameters(), lr=1e-4, betas=(0.0, 0.999))
    eps = 0.1
    data = x_all[:100]

    def e_and_grad(z):
        zv = z.detach().requires_grad_(True)
        e = 0.5 * (zv * zv).sum(1) + energy(zv).squeeze(1)
        (g,) = torch.autograd.grad(e.sum(), zv)
        return e.detach(), g

    state = {"x": torch.randn(100, 784)}
    state["E"], state["g"] = e_and_grad(state["x"])

    def mala():
        x, ex, gx = state["x"], state["E"], state["g"]
        xi = torch.randn_like(x)
        y = x - eps * gx + (2 * eps) ** 0.5 * xi
        ey, gy = e_and_grad(y)
        with torch.no_grad():
            back = ((x - y + eps * gy) ** 2).sum(1)
            log_ratio = -(ey - ex) - (back - 2 * eps * (xi * xi).sum(1)) / (4 * eps)
            acc = torch.log(1 - torch.rand(100)) < log_ratio
            state["x"] = torch.where(acc[:, None], y, x)
            state["E"] = torch.where(acc, ey, ex)
            state["g"] = torch.where(acc[:, None], gy, gx)

    def update():
        e = energy(torch.cat([data, state["x"]])).squeeze(1)
        loss = e[:100].mean() - e[100:].mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for name, fn, inner in (("langevin_step", mala, 200), ("ebm_update", update, 100)):
        best = (float("inf"), 0)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            best = min(best, (best_of(5, inner, fn), threads))
        print(f"torch_{name}\t{best[0]:.3e}\t{best[1]}")


if __name__ == "__main__":
    with torch.no_grad():
        pass
    main()
