import { z } from 'zod';
import { ActionRegistry } from '../../../core/actions/actionRegistry';
import { defineAction } from '../../../core/actions/defineAction';

const action = defineAction({ input: z.strictObject({}), resource: () => ({ resource: { uid: { type: 'Writ::Thing', id: 't' }, attrs: {}, parents: [] } }), execute: async () => 'done' });

describe('when governed actions are named', () => {
  it('takes the activity type TemporalMCPClient schedules for a server, <server>-callTool', () => {
    expect(new ActionRegistry({ 'files-callTool': action }).names()).toEqual(['files-callTool']);
  });

  it.each(['-callTool', 'files callTool', 'files.callTool', 'writ.authorize', 'files/callTool', ''])('refuses "%s"', (name) => {
    expect(() => new ActionRegistry({ [name]: action })).toThrow(/governed action name/);
  });
});
