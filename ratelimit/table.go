package ratelimit

import "container/list"

// table is a map of string keys with a cap on its size: when full, the
// entry used least recently makes room. Recency also puts the idlest
// entries at the back, where prune finds them without a scan.
type table[V any] struct {
	max   int
	items map[string]*list.Element
	order list.List // of *item[V], most recently used first
}

type item[V any] struct {
	key string
	val V
}

func newTable[V any](max int) *table[V] {
	t := &table[V]{max: max, items: map[string]*list.Element{}}
	t.order.Init()
	return t
}

// get returns the entry of key, creating it with fresh when absent, and
// marks it used.
func (t *table[V]) get(key string, fresh func() V) *V {
	if e, ok := t.items[key]; ok {
		t.order.MoveToFront(e)
		return &e.Value.(*item[V]).val
	}
	for len(t.items) >= t.max {
		t.remove(t.order.Back())
	}
	it := &item[V]{key: key, val: fresh()}
	t.items[key] = t.order.PushFront(it)
	return &it.val
}

// peek returns the entry of key without marking it used.
func (t *table[V]) peek(key string) (*V, bool) {
	e, ok := t.items[key]
	if !ok {
		return nil, false
	}
	return &e.Value.(*item[V]).val, true
}

// prune removes up to n of the least recently used entries for which
// idle holds, stopping at the first that does not: an entry used later
// is no idler than it.
func (t *table[V]) prune(n int, idle func(*V) bool) {
	for ; n > 0; n-- {
		e := t.order.Back()
		if e == nil || !idle(&e.Value.(*item[V]).val) {
			return
		}
		t.remove(e)
	}
}

func (t *table[V]) remove(e *list.Element) {
	delete(t.items, e.Value.(*item[V]).key)
	t.order.Remove(e)
}

func (t *table[V]) len() int { return len(t.items) }
