package redisstore

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// logoutBatch bounds the records one read returns.
const logoutBatch = 1000

// readLogouts returns the epoch and sequence number of the records, then a triple (field,
// sequence number, value) for each record written after the sequence number ARGV[1], up to
// ARGV[2] of them, oldest first; the value is "" for a record dropped since.
//
// KEYS[1] the records hash, KEYS[2] the zset field->sequence.
var readLogouts = redis.NewScript(`
local meta = redis.call('HMGET', KEYS[1], '#epoch', '#seq')
local out = {meta[1] or '', meta[2] or '0'}
local changed = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #changed, 2 do
  out[#out + 1] = changed[i]
  out[#out + 1] = changed[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[1], changed[i]) or ''
end
return out
`)

// logoutRecords is the in-memory copy of the logout records and the goroutine that refreshes
// it.
type logoutRecords struct {
	store  *Store
	keys   [3]string // the records hash, the zset by sequence, the zset by expiry
	every  time.Duration
	maxAge time.Duration

	life      sync.Mutex
	started   bool
	closed    bool
	ctx       context.Context // ends at stop
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	firstDone chan struct{} // closed after the first read, or at stop when none started

	mu       sync.RWMutex
	records  map[string]logoutEntry // by field
	loadedAt time.Time              // of the last successful read; zero before
	lastErr  error                  // of the last read

	// Only the refreshing goroutine uses these.
	epoch   string
	lastSeq int64
}

// newLogoutRecords returns the copy of s's records, refreshed every every once started. The
// three keys share the hash tag {logouts}, whatever the prefix: they are used together in one
// script, so a Redis Cluster keeps them in one slot.
func newLogoutRecords(s *Store, every time.Duration) *logoutRecords {
	ctx, cancel := context.WithCancel(context.Background())
	base := s.prefix + "{logouts}:"
	return &logoutRecords{
		store:     s,
		keys:      [3]string{base + "records", base + "by-seq", base + "by-expiry"},
		every:     every,
		maxAge:    maxStalenessFactor * every,
		ctx:       ctx,
		cancel:    cancel,
		firstDone: make(chan struct{}),
		records:   make(map[string]logoutEntry),
	}
}

// start starts the refreshing goroutine, once, unless stopped.
func (l *logoutRecords) start() {
	l.life.Lock()
	defer l.life.Unlock()
	if l.started || l.closed {
		return
	}
	l.started = true
	l.wg.Add(1)
	go l.run()
}

// stop stops the refreshing goroutine and waits for it.
func (l *logoutRecords) stop() {
	l.life.Lock()
	if !l.closed {
		l.closed = true
		l.cancel()
		if !l.started {
			close(l.firstDone)
		}
	}
	l.life.Unlock()
	l.wg.Wait()
}

func (l *logoutRecords) run() {
	defer l.wg.Done()
	l.refreshOnce()
	close(l.firstDone)
	t := time.NewTicker(l.every)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
			l.refreshOnce()
		}
	}
}

// refreshOnce reads what changed, within maxAge, and keeps the outcome.
func (l *logoutRecords) refreshOnce() {
	ctx, cancel := context.WithTimeout(l.ctx, l.maxAge)
	defer cancel()
	err := l.refresh(ctx)
	l.mu.Lock()
	l.lastErr = err
	l.mu.Unlock()
}

// refresh reads the records written since the last read (all of them when the epoch changed or
// the sequence went back) and applies them to the copy.
func (l *logoutRecords) refresh(ctx context.Context) error {
	epoch, last := l.epoch, l.lastSeq
	reset := false
	changes := make(map[string]logoutEntry)
	for {
		res, err := readLogouts.Run(ctx, l.store.client, l.keys[:2], last, logoutBatch).StringSlice()
		if err != nil {
			return unavailable("reading the logout records", err)
		}
		if len(res) < 2 || (len(res)-2)%3 != 0 {
			return errors.New("redisstore: the logout records in Redis are malformed")
		}
		seq, _ := strconv.ParseInt(res[1], 10, 64)
		if res[0] != epoch || seq < last {
			epoch, last, reset = res[0], 0, true
			clear(changes)
			continue
		}
		for i := 2; i < len(res); i += 3 {
			n, err := strconv.ParseFloat(res[i+1], 64)
			if err != nil {
				return errors.New("redisstore: the logout records in Redis are malformed")
			}
			last = max(last, int64(n))
			changes[res[i]] = parseLogoutEntry(res[i+2])
		}
		if (len(res)-2)/3 < logoutBatch {
			break
		}
	}
	l.apply(changes, reset)
	l.epoch, l.lastSeq = epoch, last
	return nil
}

// apply merges changes into the copy (into an empty copy when reset), drops the expired
// records and marks the copy fresh.
func (l *logoutRecords) apply(changes map[string]logoutEntry, reset bool) {
	now := l.store.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if reset {
		l.records = make(map[string]logoutEntry, len(changes))
	}
	for field, e := range changes {
		if e.expires.IsZero() {
			delete(l.records, field)
			continue
		}
		l.records[field] = l.records[field].merge(e)
	}
	for field, e := range l.records {
		if !now.Before(e.expires) {
			delete(l.records, field)
		}
	}
	l.loadedAt = now
}

// parseLogoutEntry parses "<at in µs> <expiry in ms>"; anything else is a dropped record, the
// zero logoutEntry.
func parseLogoutEntry(v string) logoutEntry {
	at, exp, ok := strings.Cut(v, " ")
	if !ok {
		return logoutEntry{}
	}
	atMicro, err1 := strconv.ParseInt(at, 10, 64)
	expMilli, err2 := strconv.ParseInt(exp, 10, 64)
	if err1 != nil || err2 != nil {
		return logoutEntry{}
	}
	return logoutEntry{at: time.UnixMicro(atMicro), expires: time.UnixMilli(expMilli)}
}
