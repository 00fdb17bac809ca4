import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentWorkspace } from '../../../examples/support-agent/agentWorkspace';
import { expectWritError } from './expectWritError';

describe('AgentWorkspace', () => {
  let dir: string;
  let workspace: AgentWorkspace;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writ-agent-'));
    workspace = AgentWorkspace.open(dir, { clock: () => new Date('2030-05-01T09:00:00.000Z') });
  });

  afterEach(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its state in agent.sqlite and notes/ under the directory', () => {
    expect(existsSync(join(dir, 'agent.sqlite'))).toBe(true);
    expect(statSync(join(dir, 'notes')).isDirectory()).toBe(true);
    expect(workspace.notesDir).toBe(join(dir, 'notes'));
  });

  describe('searchDocs', () => {
    beforeEach(() => workspace.seedDemo());

    it('finds the refund policy first for a refund question', () => {
      const hits = workspace.searchDocs('How do refunds work?');
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.length).toBeLessThanOrEqual(3);
      expect(hits[0]?.docId).toBe('refund-policy');
      expect(hits[0]?.snippet).toContain('[');
    });

    it('returns hits best first and honours the limit', () => {
      const hits = workspace.searchDocs('refund shipping order email', { limit: 5 });
      const scores = hits.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(workspace.searchDocs('refund shipping order email', { limit: 1 })).toHaveLength(1);
    });

    it('takes FTS syntax as plain words instead of failing', () => {
      expect(() => workspace.searchDocs('refund" OR (NEAR* AND -')).not.toThrow();
      expect(workspace.searchDocs('"?!')).toEqual([]);
      expect(workspace.searchDocs('')).toEqual([]);
      expect(workspace.searchDocs('zeppelin')).toEqual([]);
    });

    it('does not duplicate docs when seeded again', () => {
      workspace.seedDemo();
      const ids = workspace.searchDocs('refund', { limit: 20 }).map((hit) => hit.docId);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('refuses a limit outside 1..20 with INPUT_INVALID', () => {
      expectWritError(() => workspace.searchDocs('refund', { limit: 0 }), 'INPUT_INVALID');
    });
  });

  describe('when a note is written twice with the same idempotency key', () => {
    it('writes the file exactly once and replays the first result', () => {
      const request = { title: 'Order 1042: damaged mug', body: 'Customer sent a photo.', idempotencyKey: 'run-3/act-2' };
      const first = workspace.writeNote(request);
      const path = join(dir, first.file);
      const content = readFileSync(path);
      // Backdate the file: a second write, even of identical bytes, would move mtime.
      const backdated = new Date('2001-01-01T00:00:00.000Z');
      utimesSync(path, backdated, backdated);

      const second = workspace.writeNote(request);

      expect(first).toEqual({
        noteId: expect.stringMatching(/^note_/),
        file: 'notes/order-1042-damaged-mug.md',
        sha256: createHash('sha256').update(content).digest('hex'),
        replayed: false,
      });
      expect(second).toEqual({ ...first, replayed: true });
      expect(statSync(path).mtime).toEqual(backdated);
      expect(content.toString('utf8')).toBe('# Order 1042: damaged mug\n\nCustomer sent a photo.\n');
      expect(readdirSync(join(dir, 'notes'))).toEqual(['order-1042-damaged-mug.md']);
      expect(workspace.countNotesByKey('run-3/act-2')).toBe(1);
      expect(workspace.listNotes()).toEqual([
        {
          noteId: first.noteId,
          idempotencyKey: 'run-3/act-2',
          title: 'Order 1042: damaged mug',
          file: first.file,
          sha256: first.sha256,
          recordedAt: '2030-05-01T09:00:00.000Z',
        },
      ]);
    });
  });

  describe('when a used note key arrives with a different body', () => {
    it('refuses with IDEMPOTENCY_KEY_CONFLICT and leaves the file alone', () => {
      const first = workspace.writeNote({ title: 'Case', body: 'original', idempotencyKey: 'k' });
      expectWritError(() => workspace.writeNote({ title: 'Case', body: 'rewritten', idempotencyKey: 'k' }), 'IDEMPOTENCY_KEY_CONFLICT');
      expect(readFileSync(join(dir, first.file), 'utf8')).toContain('original');
    });
  });

  describe('when two notes share a title', () => {
    it('gives the second its own file instead of overwriting the first', () => {
      const first = workspace.writeNote({ title: 'Follow-up', body: 'one', idempotencyKey: 'k1' });
      const second = workspace.writeNote({ title: 'Follow up!', body: 'two', idempotencyKey: 'k2' });
      expect([first.file, second.file]).toEqual(['notes/follow-up.md', 'notes/follow-up-2.md']);
      expect(readFileSync(join(dir, first.file), 'utf8')).toContain('one');
    });
  });

  describe('when a title tries to leave the notes folder', () => {
    it('is slugged into a plain file name inside notes/', () => {
      const note = workspace.writeNote({ title: '../../etc/passwd', body: 'x', idempotencyKey: 'k' });
      expect(note.file).toBe('notes/etc-passwd.md');
      expect(workspace.writeNote({ title: '///', body: 'x', idempotencyKey: 'k2' }).file).toBe('notes/note.md');
      expect(readdirSync(join(dir, 'notes')).sort()).toEqual(['etc-passwd.md', 'note.md']);
    });
  });

  describe('when an email is sent twice with the same idempotency key', () => {
    it('queues it once', () => {
      const request = { to: 'ana@example.com', subject: 'Your refund', body: 'Done.', idempotencyKey: 'run-3/act-4' };
      const first = workspace.sendEmail(request);
      const second = workspace.sendEmail(request);
      expect(second).toEqual({ messageId: first.messageId, replayed: true });
      expect(first.replayed).toBe(false);
      expect(workspace.countEmailsByKey('run-3/act-4')).toBe(1);
      expect(workspace.listOutbox()).toEqual([
        { messageId: first.messageId, idempotencyKey: 'run-3/act-4', to: 'ana@example.com', subject: 'Your refund', body: 'Done.', recordedAt: '2030-05-01T09:00:00.000Z' },
      ]);
    });

    it('refuses a recipient that is not an email address', () => {
      expectWritError(() => workspace.sendEmail({ to: 'ana', subject: 's', body: 'b', idempotencyKey: 'k' }), 'INPUT_INVALID');
      expect(workspace.listOutbox()).toEqual([]);
    });
  });

  describe('when a refund is issued twice with the same idempotency key', () => {
    it('records it once', () => {
      const request = { orderId: 'order-1042', amountCents: 1_899, idempotencyKey: 'run-3/act-3' };
      const first = workspace.issueRefund(request);
      expect(workspace.issueRefund(request)).toEqual({ refundId: first.refundId, replayed: true });
      expect(workspace.countRefundsByKey('run-3/act-3')).toBe(1);
      expect(workspace.listRefunds()).toEqual([
        { refundId: first.refundId, idempotencyKey: 'run-3/act-3', orderId: 'order-1042', amountCents: 1_899, recordedAt: '2030-05-01T09:00:00.000Z' },
      ]);
    });

    it('refuses a different amount under the same key, and a non-positive amount', () => {
      workspace.issueRefund({ orderId: 'order-1042', amountCents: 1_899, idempotencyKey: 'k' });
      expectWritError(() => workspace.issueRefund({ orderId: 'order-1042', amountCents: 18_990, idempotencyKey: 'k' }), 'IDEMPOTENCY_KEY_CONFLICT');
      expectWritError(() => workspace.issueRefund({ orderId: 'order-1042', amountCents: -1, idempotencyKey: 'k2' }), 'INPUT_INVALID');
      expect(workspace.listRefunds()).toHaveLength(1);
    });
  });

  describe('when two handles open the same directory', () => {
    it('acts once per key whichever handle acts', () => {
      const other = AgentWorkspace.open(dir);
      try {
        const request = { orderId: 'order-7', amountCents: 500, idempotencyKey: 'shared' };
        const first = other.issueRefund(request);
        expect(workspace.issueRefund(request)).toEqual({ refundId: first.refundId, replayed: true });
        const note = workspace.writeNote({ title: 'Shared', body: 'b', idempotencyKey: 'n' });
        expect(other.writeNote({ title: 'Shared', body: 'b', idempotencyKey: 'n' })).toEqual({ ...note, replayed: true });
        expect(readdirSync(join(dir, 'notes'))).toEqual(['shared.md']);
      } finally {
        other.close();
      }
    });
  });
});
