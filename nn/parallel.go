package nn

import (
	"runtime"
	"sync"
)

// parallelFor calls fn over [0, n) split into contiguous ranges, one per
// goroutine, using at most GOMAXPROCS goroutines. grain is the least amount
// of work (in units of the range) worth a goroutine of its own: starting a
// goroutine costs about a microsecond, so tiny layers run on the caller's.
func parallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	workers := runtime.GOMAXPROCS(0)
	if m := n / grain; m < workers {
		workers = m
	}
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := chunk; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, min(chunk, n))
	wg.Wait()
}

// scratch pools the large temporary buffers (im2col matrices) so that a
// model run does not allocate them anew for every layer and every call.
var scratch sync.Pool

// getScratch returns a buffer of length n from the pool; its contents are
// undefined. Return it with putScratch.
func getScratch(n int) *[]float32 {
	if p, ok := scratch.Get().(*[]float32); ok {
		if cap(*p) >= n {
			*p = (*p)[:n]
			return p
		}
		scratch.Put(p)
	}
	b := make([]float32, n)
	return &b
}

func putScratch(p *[]float32) { scratch.Put(p) }
