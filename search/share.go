package search

import (
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Sharing a search's work among idle cores. A search holds one work slot
// (see withSlot), and there is a slot per core. Parts of a search are
// independent tasks — each segment's evaluation, each slice of the
// matching groups gathered by service, each segment's graded entries — so
// when other slots are free and fewer searches are at work than there are
// slots (see helperSlots), helpers on those cores take some of the tasks. On a server with idle
// cores the first search of a broad word then takes a fraction of the
// time; under load every slot is taken and each search does its own work
// alone, as before. A helper holds the slot it took while it works, so
// that the workspaces alive at once stay one per slot.

// shareOut runs task(w, i) once for every i in 0 … n-1: on the calling
// goroutine (worker w = 0) and on helper goroutines (workers 1 …), one
// per work slot of slots free now, at most n-1 of them (none when slots
// is nil). Each worker takes the next task when done with its last, so
// tasks ordered largest first balance. prepare, when not nil, is told the
// number of workers before any task runs. A task's error stops the
// workers from taking more and the first in order of workers is
// returned. A panic on a helper — a memory fault reading a damaged
// segment included, made a panic there as guard makes it on the caller's
// goroutine — is raised again on the calling goroutine once every helper
// has stopped, to be handled as the caller's own.
func shareOut(slots chan struct{}, n int, prepare func(workers int), task func(w, i int) error) error {
	helpers := 0
	for slots != nil && helpers < n-1 && takeFreeSlot(slots) {
		helpers++
	}
	if prepare != nil {
		prepare(1 + helpers)
	}
	var next atomic.Int32
	var stop atomic.Bool
	errs := make([]error, 1+helpers)
	panics := make([]any, 1+helpers)
	work := func(w int) {
		for !stop.Load() {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			if err := task(w, i); err != nil {
				errs[w] = err
				stop.Store(true)
				return
			}
		}
	}
	var wg sync.WaitGroup
	for h := 1; h <= helpers; h++ {
		wg.Go(func() {
			defer func() { <-slots }()
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					panics[h] = r
					stop.Store(true)
				}
			}()
			work(h)
		})
	}
	// The helpers are waited for also when the caller's part panics: what
	// they read may be released once this returns.
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()
	work(0)
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// helperSlots returns the work slots helpers may take free ones of: none
// while as many searches are at work as there are slots, so that on a
// loaded server a search does not take a slot that another is about to
// wait for (sharing then costs throughput: a helper repeats some work,
// such as the matching over the names).
func (ix *Index) helperSlots() chan struct{} {
	if int(ix.working.Load()) >= cap(ix.evalSlots) {
		return nil
	}
	return ix.evalSlots
}

// takeFreeSlot takes a free work slot of slots, if there is one, without
// waiting: the caller gives it back (<-slots) when done.
func takeFreeSlot(slots chan struct{}) bool {
	select {
	case slots <- struct{}{}:
		return true
	default:
		return false
	}
}
