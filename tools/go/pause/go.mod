// The pod sandbox program: our own, no dependencies (see main.go).
module containercloud.local/tools/pause

go 1.26.0
