// hiredis (Debian's libhiredis-dev): the Redis client uses only its RESP parts, the command
// formatter (redisFormatCommandArgv) and the reply reader (redisReader); SwiftNIO does the I/O.
#include <hiredis/hiredis.h>
