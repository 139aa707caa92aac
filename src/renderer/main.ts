import { mount } from 'svelte';
import App from './App.svelte';
import { connect } from './lib/connect';
import './styles.css';

mount(App, { target: document.getElementById('app')!, props: { host: connect() } });
