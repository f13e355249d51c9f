import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { Checkbox, Choices, ErrorSummary, type FormState } from './forms.js';

const rejected: FormState = { values: { home: 'flat', agree: 'yes' }, errors: { email: 'Enter an email address.', home: 'Choose one.' } };

describe('shared form components', () => {
  it('lists each error in the summary as a link to its field', () => {
    const html = renderToString(<ErrorSummary form={rejected} />);
    expect(html).toContain('Please correct 2 fields below.');
    expect(html).toContain('<li><a href="#f-email">Enter an email address.</a></li>');
    expect(html).toContain('<li><a href="#f-home">Choose one.</a></li>');
    expect(renderToString(<ErrorSummary form={{ values: {}, errors: {} }} />)).toBe('');
    expect(renderToString(<ErrorSummary form={rejected} labels={{ email: 'Email' }} />)).toContain('<a href="#f-email">Email: Enter an email address.</a>');
  });

  it('groups radio buttons in a fieldset with a legend, each beside its label, the first taking the group\'s id', () => {
    const html = renderToString(<Choices form={rejected} name="home" legend="Your home (required)" required options={[{ value: 'house', label: 'House' }, { value: 'flat', label: 'Flat' }]} />);
    expect(html).toMatch(/^<fieldset aria-describedby="f-home-error"><legend>Your home \(required\)<\/legend>/);
    expect(html).toContain('<div class="check"><input type="radio" id="f-home" name="home" value="house" required aria-invalid="true"/><label for="f-home">House</label></div>');
    expect(html).toContain('<input type="radio" id="f-home-1" name="home" value="flat" checked required aria-invalid="true"/><label for="f-home-1">Flat</label>');
    expect(html).toContain('<p class="field-error" id="f-home-error">Choose one.</p>');
  });

  it('keeps a checkbox beside its label and its typed state', () => {
    const html = renderToString(<Checkbox form={rejected} name="agree" label="I agree" />);
    expect(html).toContain('<div class="check"><input type="checkbox" id="f-agree" name="agree" value="yes" checked/><label for="f-agree">I agree</label></div>');
  });
});
