module github.com/authchain/authchain

go 1.26.0
