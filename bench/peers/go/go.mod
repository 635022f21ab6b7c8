module k2cpeer

go 1.19
