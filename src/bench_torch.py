#!/usr/bin/python3
"""bench_torch.py - the same SGD step in PyTorch (CPU), for `make bench-torch`.

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
    sys.stdout.flush()


if __name__ == "__main__":
    with torch.no_grad():
        pass
    main()
