// Command etcdctl is etcd's client, as upstream's etcdctl binary (go.etcd.io/etcd/etcdctl/v3's main) does.
package main

import "go.etcd.io/etcd/etcdctl/v3/ctlv3"

func main() {
	ctlv3.MustStart()
}
