package main

// What schemactl writes in place of this file, for a schema package
// example.com/app/ent/schema with the types User and Group:
//
//	package main
//
//	import entschema "example.com/app/ent/schema"
//
//	func init() {
//		schemaPkg = "example.com/app/ent/schema"
//		candidates = []candidate{
//			{"Group", "/src/app/ent/schema/group.go:9", entschema.Group{}},
//			{"User", "/src/app/ent/schema/user.go:12", entschema.User{}},
//		}
//	}
