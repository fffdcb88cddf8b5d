module github.com/errcat/errcat/generated/go

go 1.22
