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
    """The EBM rows of src/tools/bench.c: one Langevin step of 100 chains of the
    784-256-256-1 SiLU energy (forward, grad_x, noise, clip) and one Adam update
    on the contrastive loss at batch 100 (100 data images and 100 samples)."""
    torch.manual_seed(2)
    energy = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.SiLU(),
        torch.nn.Linear(256, 256), torch.nn.SiLU(),
        torch.nn.Linear(256, 1))
    opt = torch.optim.Adam(energy.parameters(), lr=1e-4, betas=(0.0, 0.999))
    eps, sd, alpha = 10.0, 0.005, 0.1
    x = torch.rand(100, 784)
    data = x_all[:100]

    def langevin():
        nonlocal x
        xv = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(energy(xv).sum(), xv)
        with torch.no_grad():
            x = (xv - eps * g + sd * torch.randn_like(xv)).clamp_(0.0, 1.0)

    def update():
        e = energy(torch.cat([data, x.detach()])).squeeze(1)
        ed, en = e[:100], e[100:]
        loss = ed.mean() - en.mean() + alpha * (ed.pow(2).mean() + en.pow(2).mean())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for name, fn, inner in (("langevin_step", langevin, 200), ("ebm_update", update, 100)):
        best = (float("inf"), 0)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            best = min(best, (best_of(5, inner, fn), threads))
        print(f"torch_{name}\t{best[0]:.3e}\t{best[1]}")


if __name__ == "__main__":
    with torch.no_grad():
        pass
    main()
