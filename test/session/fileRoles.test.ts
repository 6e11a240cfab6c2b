import { describe, expect, it } from 'vitest';
import { guessRole, shardOrder } from '../../src/session/fileRoles.ts';

describe('file roles', () => {
  it('guesses from the name, and unknown files go to the activation reader (which names the problem)', () => {
    expect(guessRole('acts.npy')).toBe('activations');
    expect(guessRole('model.safetensors')).toBe('activations');
    expect(guessRole('a.npz')).toBe('activations');
    expect(guessRole('tokens.txt')).toBe('tokens');
    expect(guessRole('t.jsonl')).toBe('tokens');
    expect(guessRole('tokens.json')).toBe('tokens');
    expect(guessRole('vocab.json')).toBe('vocab');
    expect(guessRole('token_ids.npy')).toBe('tokens');
    expect(guessRole('notes.md')).toBe('activations');
  });

  it('orders shards by name with numbers compared as numbers', () => {
    const f = (n: string) => new File([], n);
    const names = shardOrder([f('acts_10.npy'), f('acts_2.npy'), f('acts_1.npy')]).map(
      (x) => x.name,
    );
    expect(names).toEqual(['acts_1.npy', 'acts_2.npy', 'acts_10.npy']);
  });
});
