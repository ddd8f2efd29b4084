package realmcache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// The codec writes an inspected realm as the object graph it is: every
// exported field of every struct, pointers by identity (the first time a
// pointer is met its target is written, later times only its number), so
// the cycles (a table's schema, a column's indexes, a foreign key's tables)
// and the shared objects (an enum type several columns use) come back as
// they were. Nil and empty slices stay distinct; map entries are written in
// the order of their encoding, so equal realms encode alike. A value of a
// type the codec does not know, a struct with unexported fields, or a map
// holding pointers is an error: the realm is then not cached, never cached with a part missing.

// ErrUnknown means the realm holds something the codec cannot write
// faithfully.
var ErrUnknown = errors.New("realmcache: cannot encode")

// known are the types interfaces may hold (schema.Attr, schema.Type,
// schema.Expr, schema.Object): Atlas's schema package and its PostgreSQL
// driver's, the only ones pgdb's inspection builds.
var known = func() map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, v := range []any{
		// sql/schema
		&schema.EnumType{}, &schema.BinaryType{}, &schema.StringType{}, &schema.BoolType{},
		&schema.IntegerType{}, &schema.DecimalType{}, &schema.FloatType{}, &schema.TimeType{},
		&schema.JSONType{}, &schema.SpatialType{}, &schema.UUIDType{}, &schema.UnsupportedType{},
		&schema.Literal{}, &schema.RawExpr{}, &schema.NamedDefault{},
		&schema.Comment{}, &schema.Charset{}, &schema.Collation{}, &schema.Check{},
		&schema.GeneratedExpr{}, &schema.ViewCheckOption{}, &schema.Materialized{},
		&schema.Table{}, &schema.View{}, &schema.Func{}, &schema.Proc{},
		// sql/postgres
		&postgres.UserDefinedType{}, &postgres.RowType{}, &postgres.PseudoType{}, &postgres.OID{},
		&postgres.ArrayType{}, &postgres.BitType{}, &postgres.DomainType{}, &postgres.CompositeType{},
		&postgres.IntervalType{}, &postgres.NetworkType{}, &postgres.CurrencyType{}, &postgres.RangeType{},
		&postgres.SerialType{}, &postgres.TextSearchType{}, &postgres.OIDType{}, &postgres.XMLType{},
		&postgres.ConvertUsing{}, &postgres.Constraint{}, &postgres.Operator{}, &postgres.Sequence{},
		&postgres.Identity{}, &postgres.IndexType{}, &postgres.IndexPredicate{},
		&postgres.IndexColumnProperty{}, &postgres.IndexStorageParams{}, &postgres.IndexInclude{},
		&postgres.IndexOpClass{}, &postgres.IndexNullsDistinct{}, &postgres.Concurrently{},
		&postgres.NotValid{}, &postgres.NoInherit{}, &postgres.CheckColumns{}, &postgres.Cascade{},
		// pgdb's own: a view's dependencies, an Ent view's placeholder, the
		// functions, triggers and extensions read from the catalogs
		&pgdb.Reads{}, &pgdb.External{}, &pgdb.Extras{}, &pgdb.FuncInfo{}, &pgdb.TriggerInfo{},
		// Not postgres.Partition: its unexported fields hold what Atlas
		// inspected; a partitioned table is inspected every time.
	} {
		t := reflect.TypeOf(v).Elem()
		m[t.String()] = t
	}
	return m
}()

// ptr identifies a pointer by type as well as address: a struct and its
// first field share one.
type ptr struct {
	t reflect.Type
	p uintptr
}

type encoder struct {
	w    *bufio.Writer
	ptrs map[ptr]uint64 // pointer -> its number, for every pointer written
	buf  [binary.MaxVarintLen64]byte
}

// Encode writes r.
func Encode(w io.Writer, r *schema.Realm) error {
	e := &encoder{w: bufio.NewWriter(w), ptrs: map[ptr]uint64{}}
	if err := e.value(reflect.ValueOf(r)); err != nil {
		return err
	}
	return e.w.Flush()
}

func (e *encoder) uint(n uint64) { e.w.Write(e.buf[:binary.PutUvarint(e.buf[:], n)]) }
func (e *encoder) int(n int64)   { e.w.Write(e.buf[:binary.PutVarint(e.buf[:], n)]) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.w.WriteString(s) }

func (e *encoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			e.uint(0)
			return nil
		}
		k := ptr{v.Type(), v.Pointer()}
		if n, ok := e.ptrs[k]; ok {
			e.uint(n)
			return nil
		}
		n := uint64(len(e.ptrs) + 1)
		e.ptrs[k] = n
		e.uint(n)
		return e.value(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			e.str("")
			return nil
		}
		c := v.Elem()
		t := c.Type()
		isPtr := t.Kind() == reflect.Pointer
		if isPtr {
			t = t.Elem()
		}
		if known[t.String()] != t {
			return fmt.Errorf("%w: a %s", ErrUnknown, c.Type())
		}
		if isPtr {
			e.str("*" + t.String())
		} else {
			e.str(t.String())
		}
		return e.value(c)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				return fmt.Errorf("%w: %s has unexported fields", ErrUnknown, t)
			}
			if err := e.value(v.Field(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if v.IsNil() {
			e.uint(0)
			return nil
		}
		e.uint(uint64(v.Len()) + 1)
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		return e.mapValue(v)
	case reflect.String:
		e.str(v.String())
	case reflect.Bool:
		if v.Bool() {
			e.uint(1)
		} else {
			e.uint(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.uint(math.Float64bits(v.Float()))
	default:
		return fmt.Errorf("%w: a %s", ErrUnknown, v.Type())
	}
	return nil
}

// mapValue writes a map's entries sorted by their encoding. Entries are
// encoded apart, so they must not hold pointers, which are numbered in
// writing order.
func (e *encoder) mapValue(v reflect.Value) error {
	if !plain(v.Type().Key()) || !plain(v.Type().Elem()) {
		return fmt.Errorf("%w: a %s", ErrUnknown, v.Type())
	}
	if v.IsNil() {
		e.uint(0)
		return nil
	}
	entries := make([][]byte, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		var b bytes.Buffer
		sub := &encoder{w: bufio.NewWriter(&b), ptrs: map[ptr]uint64{}}
		if err := sub.value(it.Key()); err != nil {
			return err
		}
		if err := sub.value(it.Value()); err != nil {
			return err
		}
		sub.w.Flush()
		entries = append(entries, b.Bytes())
	}
	slices.SortFunc(entries, bytes.Compare)
	e.uint(uint64(len(entries)) + 1)
	for _, b := range entries {
		e.w.Write(b)
	}
	return nil
}

// plain reports whether values of t hold no pointers, interfaces or maps.
func plain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return false
	case reflect.Slice, reflect.Array:
		return plain(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !t.Field(i).IsExported() || !plain(t.Field(i).Type) {
				return false
			}
		}
	}
	return true
}

type decoder struct {
	r    *bytes.Reader
	ptrs []reflect.Value // by number - 1
}

// Decode reads a realm Encode wrote.
func Decode(b []byte) (r *schema.Realm, err error) {
	defer func() {
		// A damaged file must cost an inspection, never the command.
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("realmcache: decode: %v", p)
		}
	}()
	d := &decoder{r: bytes.NewReader(b)}
	v := reflect.New(reflect.TypeOf(r)).Elem()
	if err := d.value(v); err != nil {
		return nil, fmt.Errorf("realmcache: decode: %w", err)
	}
	if d.r.Len() != 0 {
		return nil, errors.New("realmcache: decode: trailing bytes")
	}
	return v.Interface().(*schema.Realm), nil
}

func (d *decoder) uint() (uint64, error) { return binary.ReadUvarint(d.r) }

func (d *decoder) str() (string, error) {
	n, err := d.uint()
	if err != nil {
		return "", err
	}
	if n > uint64(d.r.Len()) {
		return "", io.ErrUnexpectedEOF
	}
	b := make([]byte, n)
	_, err = io.ReadFull(d.r, b)
	return string(b), err
}

// value fills v, which is settable.
func (d *decoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		n, err := d.uint()
		switch {
		case err != nil:
			return err
		case n == 0:
			return nil
		case n <= uint64(len(d.ptrs)):
			if d.ptrs[n-1].Type() != v.Type() {
				return fmt.Errorf("pointer %d is a %s, not a %s", n, d.ptrs[n-1].Type(), v.Type())
			}
			v.Set(d.ptrs[n-1])
			return nil
		case n != uint64(len(d.ptrs))+1:
			return fmt.Errorf("pointer %d out of order", n)
		}
		p := reflect.New(v.Type().Elem())
		d.ptrs = append(d.ptrs, p)
		v.Set(p)
		return d.value(p.Elem())
	case reflect.Interface:
		name, err := d.str()
		if err != nil || name == "" {
			return err
		}
		base, isPtr := strings.CutPrefix(name, "*")
		t, ok := known[base]
		if !ok {
			return fmt.Errorf("unknown type %s", name)
		}
		if isPtr {
			t = reflect.PointerTo(t)
		}
		c := reflect.New(t).Elem()
		if err := d.value(c); err != nil {
			return err
		}
		if !c.Type().Implements(v.Type()) {
			return fmt.Errorf("%s is not a %s", name, v.Type())
		}
		v.Set(c)
		return nil
	case reflect.Struct:
		for i := range v.NumField() {
			if err := d.value(v.Field(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		n, err := d.uint()
		if err != nil || n == 0 {
			return err
		}
		if n-1 > uint64(d.r.Len()) {
			return io.ErrUnexpectedEOF
		}
		s := reflect.MakeSlice(v.Type(), int(n-1), int(n-1))
		for i := range s.Len() {
			if err := d.value(s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		n, err := d.uint()
		if err != nil || n == 0 {
			return err
		}
		if n-1 > uint64(d.r.Len()) {
			return io.ErrUnexpectedEOF
		}
		m := reflect.MakeMapWithSize(v.Type(), int(n-1))
		for range n - 1 {
			k, el := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			if err := d.value(k); err != nil {
				return err
			}
			if err := d.value(el); err != nil {
				return err
			}
			m.SetMapIndex(k, el)
		}
		v.Set(m)
		return nil
	case reflect.String:
		s, err := d.str()
		v.SetString(s)
		return err
	case reflect.Bool:
		n, err := d.uint()
		v.SetBool(n == 1)
		return err
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := binary.ReadVarint(d.r)
		v.SetInt(n)
		return err
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := d.uint()
		v.SetUint(n)
		return err
	case reflect.Float32, reflect.Float64:
		n, err := d.uint()
		v.SetFloat(math.Float64frombits(n))
		return err
	}
	return fmt.Errorf("cannot decode a %s", v.Type())
}
