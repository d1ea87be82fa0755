package store

// SQLite's WAL is copied back into the database file by checkpoints. By
// default the connection that commits runs one whenever the WAL passes 1000
// pages, inside that commit: a submission's 201 then waited for a
// checkpoint it had no need of (issue 14: 22 of the writer's 54 µs a
// submission). The writer runs with wal_autocheckpoint off, and a
// checkpointer goroutine, on a connection of its own, runs PASSIVE
// checkpoints beside it: they copy what no reader still needs without
// taking the write lock, so the writer never waits for them.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"
)

// Defaults of the checkpointer (see checkpointer).
const (
	// checkpointEvery is the longest time between two passive checkpoints.
	checkpointEvery = time.Second
	// checkpointPoll is how often the WAL file's size is looked at.
	checkpointPoll = 100 * time.Millisecond
	// checkpointPages: a WAL file grown this many pages past its size at
	// the last checkpoint is checkpointed at once (SQLite's own default
	// autocheckpoint threshold), so that a burst does not wait for the
	// next tick. Once the WAL restarts, commits reuse the file from its
	// start without growing it, and the ticks alone checkpoint it.
	checkpointPages = 1000
	// walCap bounds the WAL. A passive checkpoint copies the frames
	// committed before it started; while submissions keep committing it
	// rarely ends with every frame copied, and only then can the next
	// writer start the WAL again from its beginning, so under a sustained
	// load the file would grow without end. Once it holds more than walCap
	// bytes of frames the checkpointer runs a RESTART checkpoint through
	// the writer's pool: it waits its turn for the single connection like
	// any write, between two transactions (not inside a submission's
	// commit), copies the few frames the passive checkpoints left, waits at
	// most restartWait for readers still on the old frames, and makes the
	// next commit write the WAL from its start. The file then stays at
	// about walCap and is reused; on a failed attempt (a long report keeps
	// reading old frames) the next round tries again.
	walCap      = 64 << 20
	restartWait = 250 * time.Millisecond
	// walFrameHeader is the header SQLite writes before each page in the WAL.
	walFrameHeader = 24
)

// checkpointer runs the WAL checkpoints of a SQLite store in the
// background: passive ones on its own connection, never the writer's, and
// a restart through the writer's pool when the WAL passes its bound.
type checkpointer struct {
	conn    *sql.DB
	writer  *sql.DB
	walPath string
	// every, poll, pages and capBytes are the defaults above; tests shrink them.
	every, poll time.Duration
	pages       int64
	capBytes    int64
	pageSize    int64
	// grown is the WAL file's size at the last checkpoint: growth past it
	// by pages pages triggers the next one early.
	grown int64
	last  time.Time
	quit  chan struct{}
	done  chan struct{}
}

// checkpointResult is the answer of PRAGMA wal_checkpoint: busy is 1 when
// the checkpoint could not run to its end, log the frames in the WAL and
// copied those written back to the database.
type checkpointResult struct {
	busy, log, copied int64
}

// newCheckpointer opens the checkpointer's connection to the database at
// dsn (the readers' DSN: the pragmas without the writer's immediate lock).
func newCheckpointer(ctx context.Context, writer *sql.DB, dsn, path string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the checkpointer's connection: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, writer: writer, walPath: path + "-wal", every: checkpointEvery, poll: checkpointPoll,
		pages: checkpointPages, capBytes: walCap, quit: make(chan struct{}), done: make(chan struct{})}
	if err := conn.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&c.pageSize); err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading the page size: %w", err)
	}
	return c, nil
}

// start runs the loop until stop.
func (c *checkpointer) start() {
	c.last = time.Now()
	go c.loop()
}

// stop ends the loop and closes the connection. SQLite checkpoints the
// WAL when the last connection closes.
func (c *checkpointer) stop() error {
	close(c.quit)
	<-c.done
	return c.conn.Close()
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(c.poll)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
		}
		if _, _, err := c.round(context.Background(), time.Now()); err != nil {
			// The next round tries again; the WAL only grows meanwhile.
			slog.Warn("checkpointing the write-ahead log", "err", err)
		}
	}
}

// round checkpoints if it is time or if the WAL file grew by c.pages
// pages, and restarts the WAL when it holds more than c.capBytes. It
// reports what the passive checkpoint answered, and whether one ran.
func (c *checkpointer) round(ctx context.Context, now time.Time) (checkpointResult, bool, error) {
	size, err := c.walSize()
	if err != nil {
		return checkpointResult{}, false, err
	}
	if now.Sub(c.last) < c.every && size < c.grown+c.pages*c.pageSize {
		return checkpointResult{}, false, nil
	}
	res, err := c.checkpoint(ctx)
	if err != nil {
		return res, false, err
	}
	c.last, c.grown = now, size
	if res.log*(c.pageSize+walFrameHeader) > c.capBytes {
		if err := c.restart(ctx); err != nil {
			return res, true, err
		}
	}
	return res, true, nil
}

// restart runs a RESTART checkpoint on the writer's connection, waiting
// at most restartWait for readers.
func (c *checkpointer) restart(ctx context.Context) error {
	conn, err := c.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("taking the writer's connection: %w", err)
	}
	defer conn.Close()
	var old int64
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&old); err != nil {
		return fmt.Errorf("reading the busy timeout: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, restartWait.Milliseconds())); err != nil {
		return fmt.Errorf("shortening the busy timeout: %w", err)
	}
	var r checkpointResult
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&r.busy, &r.log, &r.copied)
	if _, e := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, old)); e != nil && err == nil {
		err = fmt.Errorf("restoring the busy timeout: %w", e)
	}
	if err != nil {
		return fmt.Errorf("restarting the write-ahead log: %w", err)
	}
	if r.busy != 0 {
		// Readers still on old frames: the next round tries again.
		slog.Warn("the write-ahead log is past its bound and readers keep it from restarting", "frames", r.log)
	}
	return nil
}

// checkpoint runs a passive checkpoint on the checkpointer's connection:
// it copies what no reader still needs and never waits on a lock.
func (c *checkpointer) checkpoint(ctx context.Context) (checkpointResult, error) {
	var r checkpointResult
	if err := c.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&r.busy, &r.log, &r.copied); err != nil {
		return r, fmt.Errorf("running a passive checkpoint: %w", err)
	}
	return r, nil
}

// walSize is the WAL file's size (0 when there is none).
func (c *checkpointer) walSize() (int64, error) {
	fi, err := os.Stat(c.walPath)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading the size of the write-ahead log: %w", err)
	}
	return fi.Size(), nil
}
