// @strata/core-vmm: hosts and the hypervisor. Each part is a module of its own folder, exported in
// its block below: lifecycle (the VM state machine as data), migration (the analytic pre-copy model
// and the simulated transfer), memory (lazy backing, overcommit, balloon, host OOM), devices
// (virtio-net/blk with rate limiters), host scheduling (vCPUs as tasks, nested guests, steal time),
// snapshots. core-vmm knows nothing of containers: a guest is anything behind `GuestCpus`.
