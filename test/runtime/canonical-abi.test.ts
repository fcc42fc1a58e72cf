import { describe, expect, it } from 'vitest';
import {
  flatten,
  liftedSignature,
  loweredSignature,
  optionPayloadOffset,
  returnArea,
  UnsupportedTypeError,
} from '../../src/runtime/canonical-abi.ts';

describe('canonical ABI flattening', () => {
  it('flattens the contract types', () => {
    expect(flatten('s32')).toEqual(['i32']);
    expect(flatten('bool')).toEqual(['i32']);
    expect(flatten('string')).toEqual(['i32', 'i32']);
    expect(flatten('option<string>')).toEqual(['i32', 'i32', 'i32']);
    expect(flatten('u64')).toEqual(['i64']);
  });

  it('lowers imports: flat results up to one, otherwise a return pointer', () => {
    expect(loweredSignature(['string'], 'option<string>')).toEqual({
      params: ['i32', 'i32', 'i32'],
      results: [],
      retptr: true,
    });
    expect(loweredSignature(['string'], 'string')).toEqual({
      params: ['i32', 'i32', 'i32'],
      results: [],
      retptr: true,
    });
    expect(loweredSignature(['s32', 'string'], 's32')).toEqual({
      params: ['i32', 'i32', 'i32'],
      results: ['i32'],
      retptr: false,
    });
    expect(loweredSignature([], 'none')).toEqual({ params: [], results: [], retptr: false });
  });

  it('passes more than 16 flat parameters through memory', () => {
    expect(loweredSignature(Array(9).fill('string'), 'none').params).toEqual(['i32']);
    expect(loweredSignature(Array(8).fill('string'), 'none').params).toHaveLength(16);
  });

  it('lifts exports', () => {
    expect(liftedSignature(['string'], 'none')).toEqual({ params: ['i32', 'i32'], results: [] });
    expect(liftedSignature([], 'string')).toEqual({ params: [], results: ['i32'] });
  });

  it('lays out return areas: option tag at 0, payload aligned after it', () => {
    expect(returnArea('option<string>')).toEqual({ size: 12, align: 4 });
    expect(optionPayloadOffset('option<string>')).toBe(4);
    expect(returnArea('string')).toEqual({ size: 8, align: 4 });
    expect(optionPayloadOffset('option<u8>')).toBe(1);
  });

  it('refuses types it does not cover', () => {
    expect(() => flatten('record')).toThrow(UnsupportedTypeError);
    expect(() => flatten('list<u8')).toThrow(UnsupportedTypeError);
  });
});
