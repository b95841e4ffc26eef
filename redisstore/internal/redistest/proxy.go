package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// writeCommands are the commands that change what Redis holds, as the Proxy counts
// them.
var writeCommands = map[string]bool{
	"SET": true, "DEL": true, "EVAL": true, "EVALSHA": true, "EXEC": true,
	"EXPIRE": true, "PEXPIRE": true, "PEXPIREAT": true,
}

// A Cut says which write command a Proxy cuts the connection of, and how.
type Cut struct {
	N      int  // the Nth write command from Arm on, counting from 1
	Before bool // cut before the command reaches Redis, which never applies it; else after, before its reply
	Down   bool // refuse every connection after the cut, as a Redis gone for good

	// Match, if not nil, is given the bytes of each write command, as sent in RESP:
	// only the commands it returns true for are counted towards N.
	Match func(cmd []byte) bool

	// Then, if not nil, is called once the cut command has reached Redis (or, with
	// Before, been dropped) and before the connection closes: to change Redis behind
	// the client's back while its reply is lost.
	Then func()
}

// Proxy forwards TCP connections to a Redis server and reads the commands they
// carry, so that a test can cut a connection at a write command: the command
// applied and its reply lost, or the command lost.
type Proxy struct {
	target string
	ln     net.Listener

	mu     sync.Mutex
	cut    Cut
	armed  bool
	writes int  // the write commands since Arm
	cuts   int  // the connections cut
	down   bool // refusing connections
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

// NewProxy starts a proxy to the Redis server at target (host:port), stopped at the
// test's end.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: target, ln: ln, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Addr returns the proxy's address, host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Arm makes the proxy cut the connection of the cut.N-th write command from now on
// (the cut.N-th that cut.Match matches, with Match).
func (p *Proxy) Arm(cut Cut) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut, p.armed, p.writes = cut, true, 0
}

// Cuts returns the number of connections the proxy cut.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

// SetDown makes the proxy refuse connections, closing those it carries, or take them
// again.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			c.Close()
		}
	}
}

func (p *Proxy) close() {
	p.ln.Close()
	p.SetDown(true)
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			client.Close()
			server.Close()
			continue
		}
		p.conns[client], p.conns[server] = true, true
		p.mu.Unlock()
		p.wg.Add(1)
		go p.carry(client, server)
	}
}

// carry forwards the commands of client to server, and the replies back, until one
// side closes or the connection is cut.
func (p *Proxy) carry(client, server net.Conn) {
	defer p.wg.Done()
	var cutting sync.Mutex // held from the decision to cut after a command until the cut
	replies := make(chan struct{})
	closeBoth := func() {
		client.Close()
		server.Close()
		p.mu.Lock()
		delete(p.conns, client)
		delete(p.conns, server)
		p.mu.Unlock()
	}
	var cutAfter bool
	var then func()
	go func() { // the replies
		defer close(replies)
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			cutting.Lock()
			drop, f := cutAfter, then
			cutting.Unlock()
			if drop { // the reply of the command cut after: it never arrives
				if f != nil {
					f()
				}
				closeBoth()
				return
			}
			if n > 0 {
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	r := bufio.NewReader(client)
	for {
		cmd, name, err := readCommand(r)
		if err != nil {
			closeBoth()
			break
		}
		before, after, f := p.decide(name, cmd, client, server)
		if before {
			if f != nil {
				f()
			}
			closeBoth()
			break
		}
		if after {
			cutting.Lock()
			cutAfter, then = true, f
			cutting.Unlock()
		}
		if _, err := server.Write(cmd); err != nil {
			closeBoth()
			break
		}
	}
	<-replies
}

// decide counts a command named name, of bytes cmd, carried by the connections own,
// and says whether to cut them before forwarding it or after, and what to call then.
// A cut that takes the proxy down closes every other connection.
func (p *Proxy) decide(name string, cmd []byte, own ...net.Conn) (before, after bool, then func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.armed || !writeCommands[name] || p.cut.Match != nil && !p.cut.Match(cmd) {
		return false, false, nil
	}
	p.writes++
	if p.writes != p.cut.N {
		return false, false, nil
	}
	p.armed = false
	p.cuts++
	if p.cut.Down {
		p.down = true
		for c := range p.conns {
			if c != own[0] && c != own[1] {
				c.Close()
			}
		}
	}
	return p.cut.Before, !p.cut.Before, p.cut.Then
}

// readCommand reads one command of the RESP protocol, an array of bulk strings, and
// returns its bytes and its name in upper case.
func readCommand(r *bufio.Reader) ([]byte, string, error) {
	var raw bytes.Buffer
	header, err := r.ReadString('\n')
	if err != nil {
		return nil, "", err
	}
	raw.WriteString(header)
	if !strings.HasPrefix(header, "*") {
		return nil, "", fmt.Errorf("redistest: not a command array: %q", header)
	}
	n, err := strconv.Atoi(strings.TrimSpace(header[1:]))
	if err != nil || n < 1 {
		return nil, "", fmt.Errorf("redistest: bad array header %q", header)
	}
	var name string
	for i := 0; i < n; i++ {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, "", err
		}
		raw.WriteString(line)
		size, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "$")))
		if !strings.HasPrefix(line, "$") || err != nil || size < 0 {
			return nil, "", errors.New("redistest: bad bulk string header")
		}
		arg := make([]byte, size+2)
		if _, err := io.ReadFull(r, arg); err != nil {
			return nil, "", err
		}
		raw.Write(arg)
		if i == 0 {
			name = strings.ToUpper(string(arg[:size]))
		}
	}
	return raw.Bytes(), name, nil
}
