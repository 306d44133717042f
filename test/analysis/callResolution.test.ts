/**
 * Which definition a call reaches when several share its name: two drivers each define a
 * non-exported function of one name, one driver's register macro has the name of another's static
 * inline, and an exported definition is the one other modules reach.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseFixtures } from './engineHelpers';

describe('call resolution across drivers', () => {
  const result = analyseFixtures(
    'resolution/aaa_usb/aaa.h',
    'resolution/aaa_usb/usb.c',
    'resolution/mt_pci/mt.h',
    'resolution/mt_pci/main.c',
    'resolution/mt_pci/mt7603/mac.c',
    'resolution/core/core.c',
  );

  it('a driver calls its own definition of a name another driver also defines', () => {
    assert.deepEqual(result.in('mt7603_set_ps'), [], result.describe());
  });

  it('a call the driver\'s own macro expands reaches no other driver\'s inline function of that name', () => {
    // mt7603_set_ps() calls bus_rmw() (mt.h's macro) and dev_stop() (its driver's function): neither sleeps.
    assert.deepEqual(result.of('sleep-in-atomic').map((f) => f.function), ['aaa_update'], result.describe());
  });

  it('the driver that defines the inline function still reaches it', () => {
    const sleep = result.one('sleep-in-atomic', 'aaa_update');
    assert.equal(sleep.range.start.line, result.line('aaa_update', 'bus_rmw(dev, 0x10, 0xff, 1)'));
  });

  it('from elsewhere, the exported definition is the one reached', () => {
    assert.deepEqual(result.in('core_reset_all'), [], result.describe());
    assert.equal(result.findings.length, 1, result.describe());
  });
});
