package storage

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// Report rollups. Reports never scan history: they read rollups, maintained from the contracts'
// changes without multi-document transactions, every step idempotent and decided by a
// conditional write of one document.
//
//   - report_contracts: one document per contract, its rollup (domain.ContractRollup). Every
//     outbox flush of the contract marks it dirty (gen+1) after writing the records its events
//     carry; a rebuild reads the contract and its records, and stores the rollup only if no
//     mark came meanwhile (conditional on gen). The same write records, as an outbox of its own
//     (pending), the nodes and household partitions that must learn of the new rollup.
//   - report_areas: a node per province ("P/{code}"), the merge of the rollups of its
//     contracts, rebuilt from them (an indexed query on province) when marked dirty.
//   - report_households: 64 household partitions ("H/{nn}", a household's partition is a
//     hash of its name) holding
//     the participations of their households in every contract, each contract's replaced by
//     its latest rollup's (never by an older one: participations carry their rollup's gen, and
//     a contract that left a partition leaves a tombstone with its gen). A national report
//     reads these 98 documents: the provinces' figures add up, and the partitions count each
//     household once.
//   - report_orgs: a node per organisation ("O/{name}"), the merge of the rollups of the
//     contracts it is buyer or producer of (an indexed query on orgs).
//   - report_worklist: what is marked and not yet rebuilt ("c/{contract}", "n/{node}"), a
//     small collection the refresher and every report read whole. A mark increments the
//     document's gen first and adds the worklist entry second; finishing removes the entry and
//     then looks again, putting it back if a mark came meanwhile. A crash between the two
//     steps of a mark leaves the document flagged (todo, dirty: indexed) without an entry:
//     the refresher's periodic sweep finds those.

// Collection names of the report rollups.
const (
	reportContractsCollection  = "report_contracts"
	reportAreasCollection      = "report_areas"
	reportOrgsCollection       = "report_orgs"
	reportHouseholdsCollection = "report_households"
	reportWorklistCollection   = "report_worklist"
)

// Partitions is the number of household partitions.
const Partitions = 64

// ProvinceNode is the node of a province's contracts.
func ProvinceNode(code string) string { return "P/" + code }

// OrgNode is the node of an organisation's contracts.
func OrgNode(org string) string { return "O/" + org }

// Partition is the household partition of household.
func Partition(household string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(household))
	return fmt.Sprintf("H/%02d", h.Sum32()%Partitions)
}

// PartitionNames lists every household partition.
func PartitionNames() []string {
	out := make([]string, Partitions)
	for i := range out {
		out[i] = fmt.Sprintf("H/%02d", i)
	}
	return out
}

type reportContractDoc struct {
	ID    string `bson:"_id"`
	Gen   int64  `bson:"gen"`   // marks so far
	Built int64  `bson:"built"` // the mark the stored rollup was built after
	Dirty bool   `bson:"dirty"` // gen > built
	// Todo: dirty, or pending nodes and partitions to tell (the refresher's worklist).
	Todo           bool      `bson:"todo"`
	Pending        bool      `bson:"pending"`
	PendingNodes   []string  `bson:"pending_nodes"`
	PendingBuckets []string  `bson:"pending_buckets"`
	Province       string    `bson:"province"`
	Orgs           []string  `bson:"orgs"`
	Nodes          []string  `bson:"nodes"`
	Buckets        []string  `bson:"buckets"`
	Data           []byte    `bson:"data"`
	BuildTime      time.Time `bson:"build_time"`
}

type tomb struct {
	Contract string `bson:"contract"`
	Gen      int64  `bson:"gen"`
}

type reportNodeDoc struct {
	ID        string    `bson:"_id"`
	Gen       int64     `bson:"gen"`
	Built     int64     `bson:"built"`
	Dirty     bool      `bson:"dirty"`
	Data      []byte    `bson:"data"`
	Tombs     []tomb    `bson:"tombs,omitempty"`
	BuildTime time.Time `bson:"build_time"`
	Version   int64     `bson:"version"`
}

func (s *Store) nodes(node string) mongostore.Repo[reportNodeDoc] {
	switch {
	case strings.HasPrefix(node, "O/"):
		return s.orgNodes
	case strings.HasPrefix(node, "H/"):
		return s.partitions
	}
	return s.areaNodes
}

// mark increments gen and sets the flags of document id (creating it), atomically per
// document.
func mark[T any](ctx context.Context, r mongostore.Repo[T], id string, flags ...string) error {
	set := bson.D{}
	for _, f := range flags {
		set = append(set, bson.E{Key: f, Value: true})
	}
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "gen", Value: int64(1)}}}, {Key: "$set", Value: set}}
	for range 3 {
		ok, err := r.UpdateIf(ctx, id, bson.D{}, update)
		if err != nil || ok {
			return err
		}
		doc := append(bson.D{{Key: "_id", Value: id}, {Key: "gen", Value: int64(1)}, {Key: "built", Value: int64(0)}}, set...)
		if _, err := r.C.InsertOne(ctx, doc); err == nil || !mongostore.IsDuplicateKey(err) {
			return err
		}
	}
	return fmt.Errorf("mark %s: lost every race", id)
}

// MarkReport records that contract's report rollup must be rebuilt (its contract or records
// changed).
func (s *Store) MarkReport(ctx context.Context, contract string) error {
	if err := mark(ctx, s.reportContracts, contract, "dirty", "todo"); err != nil {
		return fmt.Errorf("mark report of %s: %w", contract, err)
	}
	return s.addWork(ctx, WorkContract+contract)
}

// MarkNode records that a report node must be rebuilt.
func (s *Store) MarkNode(ctx context.Context, node string) error {
	if err := mark(ctx, s.nodes(node), node, "dirty"); err != nil {
		return fmt.Errorf("mark report node %s: %w", node, err)
	}
	return s.addWork(ctx, WorkNode+node)
}

// Worklist entries: a contract's rollup, or a node, to rebuild.
const (
	WorkContract = "c/"
	WorkNode     = "n/"
)

type workDoc struct {
	ID string `bson:"_id"`
}

// addWork puts item on the worklist (already there: nothing to do).
func (s *Store) addWork(ctx context.Context, item string) error {
	if _, err := s.worklist.C.InsertOne(ctx, &workDoc{ID: item}); err != nil && !mongostore.IsDuplicateKey(err) {
		return fmt.Errorf("report worklist: %w", err)
	}
	return nil
}

// Worklist returns up to limit entries of the report worklist (WorkContract or WorkNode
// followed by the contract id or node).
func (s *Store) Worklist(ctx context.Context, limit int) ([]string, error) {
	return ids(ctx, s.worklist.C, bson.D{}, limit)
}

// DoneWork removes a worklist entry whose rebuild is done, and puts it back if a mark came
// meanwhile (the contract's rollup or the node is dirty again, or a rollup's nodes are still
// to tell).
func (s *Store) DoneWork(ctx context.Context, item string) error {
	if _, err := s.worklist.Delete(ctx, item, 0); err != nil {
		return fmt.Errorf("report worklist: %w", err)
	}
	var again bool
	if id, ok := strings.CutPrefix(item, WorkContract); ok {
		d, err := s.reportContracts.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("report worklist: %w", err)
		}
		again = d != nil && d.Todo
	} else {
		node := strings.TrimPrefix(item, WorkNode)
		d, err := s.nodes(node).Get(ctx, node)
		if err != nil {
			return fmt.Errorf("report worklist: %w", err)
		}
		again = d != nil && d.Dirty
	}
	if again {
		return s.addWork(ctx, item)
	}
	return nil
}

// SweepReports puts back on the worklist (up to limit of each) the contracts and nodes still
// flagged for a rebuild without an entry (a process died between the two steps of a mark),
// and reports how many it found.
func (s *Store) SweepReports(ctx context.Context, limit int) (int, error) {
	n := 0
	for _, q := range []struct {
		c      *mongo.Collection
		field  string
		prefix string
	}{{s.reportContracts.C, "todo", WorkContract}, {s.areaNodes.C, "dirty", WorkNode}, {s.orgNodes.C, "dirty", WorkNode}} {
		got, err := ids(ctx, q.c, bson.D{{Key: q.field, Value: true}}, limit)
		if err != nil {
			return n, err
		}
		for _, id := range got {
			if err := s.addWork(ctx, q.prefix+id); err != nil {
				return n, err
			}
		}
		n += len(got)
	}
	return n, nil
}

// ReportState is a contract's report rollup as stored.
type ReportState struct {
	Gen, Built     int64
	Dirty, Pending bool
	PendingNodes   []string
	PendingBuckets []string
	Nodes, Buckets []string
	Rollup         domain.Rollup
}

// ContractReport returns the stored rollup of a contract (nil when there is none).
func (s *Store) ContractReport(ctx context.Context, contract string) (*ReportState, error) {
	d, err := s.reportContracts.Get(ctx, contract)
	if err != nil || d == nil {
		return nil, wrap("get report rollup", err)
	}
	r, err := domain.DecodeRollup(d.Data)
	if err != nil {
		return nil, fmt.Errorf("report rollup of %s: %w", contract, err)
	}
	return &ReportState{Gen: d.Gen, Built: d.Built, Dirty: d.Dirty, Pending: d.Pending, PendingNodes: d.PendingNodes, PendingBuckets: d.PendingBuckets,
		Nodes: d.Nodes, Buckets: d.Buckets, Rollup: r}, nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ReportBuild is a rebuilt rollup of a contract and where it counts.
type ReportBuild struct {
	Province       string
	Orgs           []string
	Nodes          []string // the nodes its figures are in
	Buckets        []string // the partitions its households are in
	PendingNodes   []string // nodes to mark: the old and the new
	PendingBuckets []string // partitions to update: the old and the new (none when the households did not change)
	Rollup         domain.Rollup
}

// StoreContractReport stores a rebuilt rollup of contract if no mark came since mark gen (it
// reports false otherwise: rebuild again).
func (s *Store) StoreContractReport(ctx context.Context, contract string, gen int64, b ReportBuild, now time.Time) (bool, error) {
	set := bson.D{{Key: "built", Value: gen}, {Key: "dirty", Value: false}, {Key: "todo", Value: true}, {Key: "pending", Value: true},
		{Key: "pending_nodes", Value: nonNil(b.PendingNodes)}, {Key: "pending_buckets", Value: nonNil(b.PendingBuckets)},
		{Key: "province", Value: b.Province}, {Key: "orgs", Value: nonNil(b.Orgs)}, {Key: "nodes", Value: nonNil(b.Nodes)},
		{Key: "buckets", Value: nonNil(b.Buckets)}, {Key: "data", Value: domain.EncodeRollup(b.Rollup)}, {Key: "build_time", Value: now}}
	ok, err := s.reportContracts.UpdateIf(ctx, contract, bson.D{{Key: "gen", Value: gen}}, bson.D{{Key: "$set", Value: set}})
	return ok, wrap("store report rollup", err)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ClearReportPending records that the nodes and partitions of the rollup built after mark
// built were told; the contract leaves the worklist unless marked again meanwhile.
func (s *Store) ClearReportPending(ctx context.Context, contract string, built int64) error {
	clear := bson.D{{Key: "pending", Value: false}, {Key: "pending_nodes", Value: []string{}}, {Key: "pending_buckets", Value: []string{}}}
	ok, err := s.reportContracts.UpdateIf(ctx, contract, bson.D{{Key: "built", Value: built}, {Key: "gen", Value: built}},
		bson.D{{Key: "$set", Value: append(clear, bson.E{Key: "todo", Value: false})}})
	if err != nil || ok {
		return wrap("clear report outbox", err)
	}
	_, err = s.reportContracts.UpdateIf(ctx, contract, bson.D{{Key: "built", Value: built}}, bson.D{{Key: "$set", Value: clear}})
	return wrap("clear report outbox", err)
}

type idDoc struct {
	ID string `bson:"_id"`
}

// ids are the _id of up to limit documents of c matching f.
func ids(ctx context.Context, c *mongo.Collection, f bson.D, limit int) ([]string, error) {
	cur, err := c.Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("report worklist", err)
	}
	var docs []idDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap("report worklist", err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out, nil
}

// NodeState is a report node as stored.
type NodeState struct {
	Gen       int64
	Dirty     bool
	Rollup    domain.Rollup
	BuildTime time.Time
}

// ReportNode returns a node (nil when there is none: nothing was ever counted in it).
func (s *Store) ReportNode(ctx context.Context, node string) (*NodeState, error) {
	d, err := s.nodes(node).Get(ctx, node)
	if err != nil || d == nil {
		return nil, wrap("get report node", err)
	}
	return nodeState(d)
}

func nodeState(d *reportNodeDoc) (*NodeState, error) {
	r, err := domain.DecodeRollup(d.Data)
	if err != nil {
		return nil, fmt.Errorf("report node %s: %w", d.ID, err)
	}
	return &NodeState{Gen: d.Gen, Dirty: d.Dirty, Rollup: r, BuildTime: d.BuildTime}, nil
}

// EachAreaNode calls fn with every province node and every household partition, one at a
// time (a national report never holds them all).
func (s *Store) EachAreaNode(ctx context.Context, fn func(node string, n *NodeState) error) error {
	for _, r := range []mongostore.Repo[reportNodeDoc]{s.areaNodes, s.partitions} {
		if err := eachNode(ctx, r, fn); err != nil {
			return err
		}
	}
	return nil
}

// eachNode calls fn with every node of r. Nodes are large (up to a few megabytes): they come
// a few per batch (FerretDB stalls on batches of many large documents).
func eachNode(ctx context.Context, r mongostore.Repo[reportNodeDoc], fn func(node string, n *NodeState) error) error {
	cur, err := r.C.Find(ctx, bson.D{}, options.Find().SetBatchSize(2))
	if err != nil {
		return wrap("read report nodes", err)
	}
	defer func() { _ = cur.Close(ctx) }()
	for cur.Next(ctx) {
		var d reportNodeDoc
		if err := cur.Decode(&d); err != nil {
			return wrap("read report nodes", err)
		}
		n, err := nodeState(&d)
		if err != nil {
			return err
		}
		if err := fn(d.ID, n); err != nil {
			return err
		}
	}
	return wrap("read report nodes", cur.Err())
}

// NodeRollups returns the rollups of the contracts counted in a province or organisation
// node (indexed: report_contracts by province, by orgs).
func (s *Store) NodeRollups(ctx context.Context, node string) ([]domain.Rollup, error) {
	var f bson.D
	switch {
	case strings.HasPrefix(node, "P/"):
		f = bson.D{{Key: "province", Value: strings.TrimPrefix(node, "P/")}}
	case strings.HasPrefix(node, "O/"):
		f = bson.D{{Key: "orgs", Value: strings.TrimPrefix(node, "O/")}}
	default:
		return nil, fmt.Errorf("report node %q is not a province or an organisation", node)
	}
	cur, err := s.reportContracts.C.Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "data", Value: 1}}))
	if err != nil {
		return nil, wrap("read rollups of "+node, err)
	}
	var docs []reportContractDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap("read rollups of "+node, err)
	}
	out := make([]domain.Rollup, 0, len(docs))
	for _, d := range docs {
		r, err := domain.DecodeRollup(d.Data)
		if err != nil {
			return nil, fmt.Errorf("report rollup of %s: %w", d.ID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// StoreNode stores a rebuilt node if no mark came since mark gen (false otherwise).
func (s *Store) StoreNode(ctx context.Context, node string, gen int64, r domain.Rollup, now time.Time) (bool, error) {
	set := bson.D{{Key: "built", Value: gen}, {Key: "dirty", Value: false}, {Key: "data", Value: domain.EncodeRollup(r)}, {Key: "build_time", Value: now}}
	ok, err := s.nodes(node).UpdateIf(ctx, node, bson.D{{Key: "gen", Value: gen}}, bson.D{{Key: "$set", Value: set}})
	return ok, wrap("store report node", err)
}

// ApplyToPartition replaces the participations of contract in household partition bucket by
// parts, from the contract's rollup built after mark gen, unless the partition holds a later
// one already. Idempotent; concurrent appliers are serialised by the partition's version.
func (s *Store) ApplyToPartition(ctx context.Context, bucket, contract string, gen int64, parts []domain.Participation) error {
	for range maxAttempts {
		done, err := s.tryApply(ctx, bucket, contract, gen, parts)
		if err != nil || done {
			return err
		}
	}
	return fmt.Errorf("apply %s to %s: too much contention", contract, bucket)
}

func (s *Store) tryApply(ctx context.Context, bucket, contract string, gen int64, parts []domain.Participation) (bool, error) {
	d, err := s.partitions.Get(ctx, bucket)
	if err != nil {
		return false, wrap("read partition", err)
	}
	if d == nil {
		d = &reportNodeDoc{ID: bucket}
		if _, _, err := s.partitions.Insert(ctx, bucket, d); err != nil {
			return false, wrap("create partition", err)
		}
		return false, nil // read it again
	}
	r, err := domain.DecodeRollup(d.Data)
	if err != nil {
		return false, fmt.Errorf("partition %s: %w", bucket, err)
	}
	if latestGen(r.Participations, d.Tombs, contract) >= gen {
		return true, nil
	}
	kept := slices.DeleteFunc(r.Participations, func(p domain.Participation) bool { return p.Contract == contract })
	for _, p := range parts {
		p.Gen = gen
		kept = append(kept, p)
	}
	d.Tombs = slices.DeleteFunc(d.Tombs, func(t tomb) bool { return t.Contract == contract })
	if len(parts) == 0 {
		d.Tombs = append(d.Tombs, tomb{Contract: contract, Gen: gen})
	}
	r.Participations = kept
	prev := d.Version
	d.Data, d.Version, d.BuildTime = domain.EncodeRollup(r), prev+1, mongostore.Now()
	ok, err := s.partitions.Replace(ctx, bucket, prev, d)
	return ok, wrap("store partition", err)
}

// latestGen is the gen of the contract's participations (or tombstone) in a partition (0: none).
func latestGen(parts []domain.Participation, tombs []tomb, contract string) int64 {
	var g int64
	for _, p := range parts {
		if p.Contract == contract {
			g = max(g, p.Gen)
		}
	}
	for _, t := range tombs {
		if t.Contract == contract {
			g = max(g, t.Gen)
		}
	}
	return g
}

// IncidentsOf returns every incident of a contract.
func (s *Store) IncidentsOf(ctx context.Context, contract string) ([]domain.Incident, error) {
	return all(ctx, s.incidents, "incidents", contract)
}

// IsClosed reports whether err comes from a store client that was disconnected (the process
// is stopping): background work ends on it rather than retrying.
func IsClosed(err error) bool { return errors.Is(err, mongo.ErrClientDisconnected) }
