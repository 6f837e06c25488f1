package session

import (
	"container/list"
	"time"
)

// expiringMap maps keys to values that expire, holding at most limit of them: expired entries
// are dropped as writes pass them, and when the map is full the oldest write goes. It is not
// safe for concurrent use; its owners lock around it.
type expiringMap[V any] struct {
	limit int
	order *list.List // of *expiringEntry[V], oldest write first
	byKey map[string]*list.Element
}

type expiringEntry[V any] struct {
	key     string
	value   V
	expires time.Time
}

func newExpiringMap[V any](limit int) *expiringMap[V] {
	return &expiringMap[V]{limit: limit, order: list.New(), byKey: make(map[string]*list.Element)}
}

// get returns the value under key and when it expires, unless it has expired at now.
func (m *expiringMap[V]) get(key string, now time.Time) (value V, expires time.Time, ok bool) {
	el, ok := m.byKey[key]
	if !ok {
		return value, expires, false
	}
	e := el.Value.(*expiringEntry[V])
	if !now.Before(e.expires) {
		m.remove(el)
		return value, expires, false
	}
	return e.value, e.expires, true
}

// put stores value under key until expires, as the newest write. It drops the expired
// entries at the old end, then the oldest entries while there are more than limit.
func (m *expiringMap[V]) put(key string, value V, expires, now time.Time) {
	if el, ok := m.byKey[key]; ok {
		m.remove(el)
	}
	m.byKey[key] = m.order.PushBack(&expiringEntry[V]{key: key, value: value, expires: expires})
	for el := m.order.Front(); el != nil && !now.Before(el.Value.(*expiringEntry[V]).expires); el = m.order.Front() {
		m.remove(el)
	}
	for m.order.Len() > m.limit {
		m.remove(m.order.Front())
	}
}

// len returns how many entries are held, expired ones included until they are dropped.
func (m *expiringMap[V]) len() int { return m.order.Len() }

func (m *expiringMap[V]) remove(el *list.Element) {
	delete(m.byKey, el.Value.(*expiringEntry[V]).key)
	m.order.Remove(el)
}
