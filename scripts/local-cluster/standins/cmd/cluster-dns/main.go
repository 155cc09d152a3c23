// Command cluster-dns is the lab's in-cluster DNS: an authoritative-only server for the cluster domain and
// in-addr.arpa, fed by listing Services and Endpoints from the API server every resync interval. It forwards
// nothing: any other name is REFUSED, so the cluster's traffic never leaves the machine. /health (liveness) answers
// while the process runs; /ready answers 200 once a listing has succeeded.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"selfheal.dev/lab/standins/kubeapi"
)

func main() {
	listen := flag.String("listen", ":53", "DNS address, UDP and TCP")
	domain := flag.String("domain", "cluster.local", "cluster domain")
	health := flag.String("health-listen", ":8080", "address of /health")
	ready := flag.String("ready-listen", ":8181", "address of /ready")
	resync := flag.Duration("resync", 2*time.Second, "interval between listings of Services and Endpoints")
	ttl := flag.Uint("ttl", 5, "TTL of every record, seconds")
	flag.Parse()

	client, err := kubeapi.InCluster()
	if err != nil {
		log.Fatalf("cluster-dns: %v", err)
	}
	var current atomic.Value // *zone
	current.Store(newZone(*domain, uint32(*ttl), nil, nil))
	var synced atomic.Bool
	go syncLoop(client, *domain, uint32(*ttl), *resync, &current, &synced)

	go serveHTTP(*health, "/health", func() bool { return true })
	go serveHTTP(*ready, "/ready", synced.Load)

	answer := func(msg []byte, limit int) []byte {
		q, err := parseQuery(msg)
		if err != nil {
			return errorResponse(msg, rcodeFormErr)
		}
		if (q.flags>>11)&0xF != 0 {
			return errorResponse(msg, rcodeNotImp)
		}
		rcode, answers, authority, aa := current.Load().(*zone).lookup(q.q)
		return buildResponse(q, rcode, aa, answers, authority, limit)
	}
	go serveTCP(*listen, answer)
	serveUDP(*listen, answer)
}

func syncLoop(c *kubeapi.Client, domain string, ttl uint32, every time.Duration, current *atomic.Value, synced *atomic.Bool) {
	lastCount := -1
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var svcs struct{ Items []service }
		var eps struct{ Items []endpoints }
		err := c.List(ctx, "/api/v1/services", &svcs)
		if err == nil {
			err = c.List(ctx, "/api/v1/endpoints", &eps)
		}
		cancel()
		if err != nil {
			log.Printf("cluster-dns: listing failed, keeping the previous records: %v", err)
		} else {
			z := newZone(domain, ttl, svcs.Items, eps.Items)
			current.Store(z)
			synced.Store(true)
			if len(z.names) != lastCount {
				log.Printf("cluster-dns: %d services, %d names", len(svcs.Items), len(z.names))
				lastCount = len(z.names)
			}
		}
		time.Sleep(every)
	}
}

func serveHTTP(addr, path string, ok func() bool) {
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
		if !ok() {
			http.Error(w, "not synced with the API server yet", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "OK")
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

func serveUDP(addr string, answer func([]byte, int) []byte) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		log.Fatalf("cluster-dns: %v", err)
	}
	log.Printf("cluster-dns: serving DNS on %s (udp, tcp)", addr)
	buf := make([]byte, 4096)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			continue
		}
		if resp := answer(buf[:n], 512); resp != nil {
			_, _ = pc.WriteTo(resp, from)
		}
	}
}

func serveTCP(addr string, answer func([]byte, int) []byte) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("cluster-dns: %v", err)
	}
	for {
		conn, err := l.Accept()
		if err != nil {
			continue
		}
		go func(c net.Conn) {
			defer c.Close()
			for {
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				var size [2]byte
				if _, err := io.ReadFull(c, size[:]); err != nil {
					return
				}
				msg := make([]byte, binary.BigEndian.Uint16(size[:]))
				if _, err := io.ReadFull(c, msg); err != nil {
					return
				}
				resp := answer(msg, 65535)
				if resp == nil {
					return
				}
				out := binary.BigEndian.AppendUint16(nil, uint16(len(resp)))
				if _, err := c.Write(append(out, resp...)); err != nil {
					return
				}
			}
		}(conn)
	}
}
