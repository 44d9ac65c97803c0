import { parseBenchOptions } from '../../bench/options';

describe('bench options', () => {
  it('runs every throughput point by default', () => {
    expect(parseBenchOptions([]).throughputPoints).toEqual(['1-connection', '1-connection-batched', '10-connections']);
  });

  it('keeps the chosen throughput points', () => {
    expect(parseBenchOptions(['--throughput-points=1-connection-batched']).throughputPoints).toEqual(['1-connection-batched']);
  });

  it('rejects an unknown throughput point', () => {
    expect(() => parseBenchOptions(['--throughput-points=fan-out'])).toThrow('--throughput-points=fan-out is invalid: "fan-out" is not one of 1-connection, 1-connection-batched, 10-connections.');
  });
});
