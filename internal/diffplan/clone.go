package diffplan

import (
	"reflect"

	"ariga.io/atlas/sql/schema"
)

// cloneRealm returns a deep copy of r: every schema, table, column, index,
// foreign key, enum type, attribute and expression reachable from it, with
// the pointers between them kept (a column's indexes, an index's columns, a
// foreign key's referenced table, one enum type shared by several columns
// are the copy's own objects). A rename changes the copy and never r, which
// the realm cache encodes at Close and the down plan reads.
//
// The realm cache's codec could copy too, but it refuses realms it cannot
// store whole (a struct with unexported fields, such as Atlas's partition
// attribute); here such a struct is copied as a value, its unexported
// fields shared with r: renames never write into them.
func cloneRealm(r *schema.Realm) *schema.Realm {
	c := cloner{seen: map[ptrKey]reflect.Value{}}
	return c.value(reflect.ValueOf(r)).Interface().(*schema.Realm)
}

type ptrKey struct {
	t reflect.Type
	p uintptr
}

type cloner struct{ seen map[ptrKey]reflect.Value }

func (c cloner) value(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		k := ptrKey{v.Type(), v.Pointer()}
		if n, ok := c.seen[k]; ok {
			return n
		}
		n := reflect.New(v.Type().Elem())
		c.seen[k] = n // before the fields: the graph has cycles
		n.Elem().Set(c.value(v.Elem()))
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(c.value(v.Elem()))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v) // unexported fields as they are
		for i := range v.NumField() {
			if f := n.Field(i); f.CanSet() {
				f.Set(c.value(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(c.value(v.Index(i)))
		}
		return n
	case reflect.Array:
		n := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			n.Index(i).Set(c.value(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			n.SetMapIndex(it.Key(), c.value(it.Value()))
		}
		return n
	}
	return v
}
