package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
)

// The bearer-token cache. Every API request resolves its token, so
// AccountByToken answers from memory for a short while; a revocation must
// nevertheless be refused at once on every process serving the database.
//
// Anything that can make a cached answer wrong (a token deleted, the
// account updated in a column the answer carries, its roles changed) fires
// a trigger in the writing transaction (migration 00033):
//
//   - PostgreSQL: the trigger runs pg_notify('motcua_auth', account id).
//     Each DB handle keeps a listener on a dedicated connection and evicts
//     the account's entries when the notification arrives. PostgreSQL
//     delivers it after the commit, asynchronously: "at once" on another
//     process means the notification's delivery (sub-millisecond on a live
//     connection). While the listener is not connected (before its first
//     connection, after a drop) the cache is bypassed, and it is emptied on
//     every reconnection. A silently dead network is found by a ping after
//     listenIdle without traffic; until then the TTL bounds staleness.
//   - SQLite: several serve processes can share one database file (WAL, no
//     lock keeps a second one out), and SQLite has no notifications, so the
//     trigger bumps the one-row auth_epoch counter and every lookup reads
//     it first (one primary-key read on a prepared statement); a new value
//     empties the cache.
//
// The methods of this package that write what an answer carries
// (DeleteToken, SetPassword, the suspensions of ClaimIDNumber,
// VerifyAccount, UpdateContact, RefreshIdentity) also empty the local cache
// right after their commit, so the writing process refuses a revoked token
// without waiting for its own listener. Any other writer (another process,
// an operator's SQL, a path added later) is covered by the triggers.
//
// Entries live DefaultTokenTTL and never past the token's expiry; unknown
// or expired tokens are not cached.

// DefaultTokenTTL is how long a cached token answer lives at most.
const DefaultTokenTTL = time.Second

// authChannel is the PostgreSQL notification channel of the triggers.
const authChannel = "motcua_auth"

// maxTokenEntries bounds the cache; past it, expired entries are swept and
// new answers are not cached until there is room.
const maxTokenEntries = 100_000

// listenIdle is how long the listener waits without a notification before
// it pings its connection, to find a silently dead one.
const listenIdle = 5 * time.Second

type tokenEntry struct {
	a *account.Account
	// expires is the token's own expiry; until is when the entry lapses.
	expires, until time.Time
}

// tokenCache is the cache of one DB handle (one process's worth of state).
type tokenCache struct {
	ttl time.Duration

	mu sync.Mutex
	m  map[string]tokenEntry
	// gen moves on every eviction: an answer read from the database before
	// an eviction may be stale and is not stored (see put).
	gen uint64
	// live: entries may be served. PostgreSQL: the listener is connected.
	// SQLite: always.
	live bool
	// epoch is the auth_epoch the entries were read under (SQLite).
	epoch int64

	// PostgreSQL listener, started by the first lookup.
	dsn    string
	start  sync.Once
	cancel context.CancelFunc
	done   chan struct{}
	// beforeDial, when set (tests), runs before each connection attempt;
	// an error counts as a failed attempt.
	beforeDial atomic.Pointer[func(ctx context.Context) error]
	// pid is the listener's backend process id (tests), 0 when down.
	pid atomic.Uint32
}

func newTokenCache(d Dialect, dsn string) *tokenCache {
	return &tokenCache{ttl: DefaultTokenTTL, m: map[string]tokenEntry{}, live: d == SQLite, dsn: dsn}
}

// SetTokenTTL changes how long cached token answers live; 0 or less turns
// the cache off. For tests and tools; call it before serving.
func (db *DB) SetTokenTTL(d time.Duration) {
	c := db.tokens
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ttl = d
	c.clearLocked()
}

// AccountByToken finds the account of an unexpired token hash, from the
// cache when it may (see the comment at the top of this file).
func (db *DB) AccountByToken(ctx context.Context, hash string, now time.Time) (*account.Account, error) {
	c := db.tokens
	gen, cacheable := db.tokenCacheBegin(ctx)
	if cacheable {
		if a, ok := c.get(hash, now); ok {
			return a, nil
		}
	}
	read := time.Now()
	a, expires, err := db.accountByToken(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	if cacheable {
		c.put(hash, a, expires, read, gen)
	}
	return a, nil
}

// accountByToken reads the account of a token and the token's expiry.
func (db *DB) accountByToken(ctx context.Context, hash string, now time.Time) (*account.Account, time.Time, error) {
	var expires time.Time
	a, err := scanAccount(scanPlus{db.queryRow(ctx, `
		SELECT `+accountCols+`, t.expires_at
		FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = $1 AND t.expires_at > $2`, hash, utc(now)), &expires})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, apperr.ErrNotFound
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("reading token: %w", err)
	}
	return a, expires, nil
}

// scanPlus scans a row whose last columns follow the ones its reader asks.
type scanPlus struct {
	sc    interface{ Scan(...any) error }
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.extra)...) }

// tokenCacheBegin says whether the cache may be used for this lookup and
// the generation an answer read now must be stored under.
func (db *DB) tokenCacheBegin(ctx context.Context) (gen uint64, ok bool) {
	c := db.tokens
	c.mu.Lock()
	off := c.ttl <= 0
	c.mu.Unlock()
	if off {
		return 0, false
	}
	if db.dialect == Postgres {
		c.start.Do(func() { c.startListener() })
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.gen, c.live && c.ttl > 0
	}
	var epoch int64
	if err := db.queryRow(ctx, `SELECT n FROM auth_epoch WHERE id = 1`).Scan(&epoch); err != nil {
		return 0, false // the lookup itself will report the trouble
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case epoch > c.epoch:
		c.clearLocked()
		c.epoch = epoch
	case epoch < c.epoch:
		// Read before a concurrent lookup saw a newer value: what this
		// lookup reads may predate that change.
		return 0, false
	}
	return c.gen, c.ttl > 0
}

func (c *tokenCache) get(hash string, now time.Time) (*account.Account, bool) {
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || !e.expires.After(now) || !time.Now().Before(e.until) {
		return nil, false
	}
	a := *e.a // callers may change their copy
	return &a, true
}

// put stores an answer read at time read, unless an eviction happened since
// gen was taken (the answer may predate the change that caused it).
func (c *tokenCache) put(hash string, a *account.Account, expires, read time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || !c.live || c.ttl <= 0 {
		return
	}
	if len(c.m) >= maxTokenEntries {
		wall := time.Now()
		for k, e := range c.m {
			if !wall.Before(e.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxTokenEntries {
			return
		}
	}
	cp := *a
	c.m[hash] = tokenEntry{a: &cp, expires: expires, until: read.Add(c.ttl)}
}

func (c *tokenCache) clearLocked() {
	c.gen++
	clear(c.m)
}

// clear empties the cache (a change whose account is not known).
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

// evictAccount drops the answers of one account.
func (c *tokenCache) evictAccount(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.m {
		if e.a.ID == id {
			delete(c.m, k)
		}
	}
}

// setLive records whether the listener is connected; both ways the cache
// starts empty, since notifications may have been missed.
func (c *tokenCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = live
	c.clearLocked()
}

// startListener runs the PostgreSQL listener until stop.
func (c *tokenCache) startListener() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go c.listen(ctx)
}

// stop ends the listener, if it runs.
func (c *tokenCache) stop() {
	c.start.Do(func() {}) // no listener may start after Close
	if c.cancel != nil {
		c.cancel()
		<-c.done
	}
}

func (c *tokenCache) listen(ctx context.Context) {
	defer close(c.done)
	const minWait, maxWait = 50 * time.Millisecond, 5 * time.Second
	wait := minWait
	for {
		connected, err := c.listenOnce(ctx)
		c.pid.Store(0)
		c.setLive(false)
		if ctx.Err() != nil {
			return
		}
		if connected {
			wait = minWait
		}
		slog.Warn("token cache listener disconnected; cache bypassed until it reconnects", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, maxWait)
	}
}

// listenOnce connects, listens, and evicts on each notification until the
// connection fails; connected reports whether it got as far as listening.
func (c *tokenCache) listenOnce(ctx context.Context) (connected bool, err error) {
	if f := c.beforeDial.Load(); f != nil {
		if err := (*f)(ctx); err != nil {
			return false, err
		}
	}
	conn, err := pgx.Connect(ctx, c.dsn)
	if err != nil {
		return false, fmt.Errorf("connecting the token cache listener: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+authChannel); err != nil {
		return false, fmt.Errorf("listening for token revocations: %w", err)
	}
	c.pid.Store(conn.PgConn().PID())
	c.setLive(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			pctx, cancel := context.WithTimeout(ctx, listenIdle)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, fmt.Errorf("pinging the token cache listener: %w", err)
			}
			continue
		}
		if err != nil {
			return true, fmt.Errorf("waiting for token revocations: %w", err)
		}
		if id, perr := strconv.ParseInt(n.Payload, 10, 64); perr == nil {
			c.evictAccount(id)
		} else {
			c.clear()
		}
	}
}
