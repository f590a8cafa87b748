-- wrk script (make bench): each request one random line of the file named by BENCH_PATHS,
-- an address on the server wrk was given (the crawl and search_mix rows).
local paths = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
